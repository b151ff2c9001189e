// util.xml: an XML string as an object (toMap) or JSON text (toJsonString), as AWS documents them
// ("XML helpers in util.xml"): the root element is the single top-level key, an element holding
// only text becomes that text (numbers and booleans as such), repeated elements become arrays,
// the declaration, comments and processing instructions are dropped, attributes are not kept.
// A small reader rather than a dependency: this code runs inside the resolver sandbox bundle.

type Node = { name: string; children: Node[]; text: string };

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e] ?? whole;
  });
}

function parse(xml: string): Node {
  const root: Node = { name: '', children: [], text: '' };
  const stack: Node[] = [root];
  const token = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/\s*([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  while (token.lastIndex < xml.length && (m = token.exec(xml)) !== null) {
    const top = stack[stack.length - 1]!;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[2] !== undefined) {
      if (stack.length === 1 || top.name !== m[2]) throw new Error(`util.xml: unexpected closing tag </${m[2]}>`);
      stack.pop();
    } else if (m[3] !== undefined) {
      const node: Node = { name: m[3], children: [], text: '' };
      top.children.push(node);
      if (m[5] !== '/') stack.push(node);
    } else if (m[6] !== undefined) top.text += decode(m[6]);
  }
  if (token.lastIndex < xml.length || stack.length !== 1) throw new Error('util.xml: the XML is not well formed');
  return root;
}

function scalar(text: string): unknown {
  const t = text.trim();
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return t;
}

function value(node: Node): unknown {
  if (node.children.length === 0) return scalar(node.text);
  const out: Record<string, unknown> = {};
  for (const child of node.children) {
    const v = value(child);
    // value() never answers an array, so an array here means the element repeats.
    const existing = out[child.name];
    if (!(child.name in out)) out[child.name] = v;
    else if (Array.isArray(existing)) existing.push(v);
    else out[child.name] = [existing, v];
  }
  if (node.text.trim() !== '') out.content = scalar(node.text);
  return out;
}

export function toMap(xml: unknown): Record<string, unknown> {
  return value(parse(String(xml))) as Record<string, unknown>;
}

/** `encode`: the JSON string-encoded once more (a JSON string literal of the JSON text). */
export function toJsonString(xml: unknown, encode?: unknown): string {
  const json = JSON.stringify(toMap(xml));
  return encode === true ? JSON.stringify(json) : json;
}
