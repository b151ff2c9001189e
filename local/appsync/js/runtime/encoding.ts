// base64 / URL / JavaScript escaping. The vm context has no Buffer, btoa or TextEncoder, so
// UTF-8 and base64 are done by hand here.

function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return bytes;
}

function utf8Decode(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    const extra = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0;
    let cp = extra === 0 ? b : b & (0x3f >> extra);
    for (let k = 1; k <= extra; k += 1) cp = (cp << 6) | ((bytes[i + k] ?? 0) & 63);
    out += String.fromCodePoint(cp);
    i += extra + 1;
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64Encode(value: unknown): string {
  const bytes = utf8Bytes(String(value));
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i] as number, bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + (b === undefined ? '=' : B64[(n >> 6) & 63]) + (c === undefined ? '=' : B64[n & 63]);
  }
  return out;
}

export function base64Decode(value: unknown): string {
  const clean = String(value).replace(/[\s=]/g, '').replace(/-/g, '+').replace(/_/g, '/');
  const bytes: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of clean) {
    const v = B64.indexOf(ch);
    if (v < 0) throw new Error(`Illegal base64 character '${ch}'`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  return utf8Decode(bytes);
}

const hex = (c: string) => `%${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(2, '0')}`;

/** application/x-www-form-urlencoded, as Java's URLEncoder: space is "+", only . - * _ kept. */
export function urlEncode(value: unknown): string {
  return encodeURIComponent(String(value)).replace(/[!'()~]/g, hex).replace(/%20/g, '+');
}

export function urlDecode(value: unknown): string {
  return decodeURIComponent(String(value).replace(/\+/g, ' '));
}

const JS_ESCAPES: Record<string, string> = {
  "'": "\\'", '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\n': '\\n', '\t': '\\t', '\f': '\\f', '\r': '\\r',
};

/** Apache Commons StringEscapeUtils.escapeEcmaScript: quotes, backslash, slash, controls, non-ASCII as \uXXXX. */
export function escapeJavaScript(value: unknown): string {
  let out = '';
  for (const ch of String(value).split('')) {
    const code = ch.charCodeAt(0);
    if (JS_ESCAPES[ch] !== undefined) out += JS_ESCAPES[ch];
    else if (code < 32 || code > 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}
