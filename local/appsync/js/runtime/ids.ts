// util.autoId (UUID v4), util.autoUlid (26-char Crockford base32), util.autoKsuid (27-char
// base62). Random bytes come from the host's crypto through a function the runtime captured at
// start-up (user code cannot reach it); Math.random is the fallback when run outside the host.

let randomHex: (bytes: number) => string = (bytes) => {
  let s = '';
  for (let i = 0; i < bytes * 2; i += 1) s += Math.floor(Math.random() * 16).toString(16);
  return s;
};

export function setRandomSource(source: (bytes: number) => string): void {
  randomHex = source;
}

export function autoId(): string {
  const h = randomHex(16).split('');
  h[12] = '4'; // version 4
  h[16] = '89ab'[parseInt(h[16] as string, 16) & 3] as string; // RFC 4122 variant
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeBase(value: bigint, alphabet: string, length: number): string {
  const base = BigInt(alphabet.length);
  let out = '';
  let v = value;
  for (let i = 0; i < length; i += 1) {
    out = alphabet[Number(v % base)] + out;
    v /= base;
  }
  return out;
}

export function autoUlid(now: number = Date.now()): string {
  // 48-bit millisecond timestamp (10 chars) + 80 random bits (16 chars).
  return encodeBase(BigInt(now), CROCKFORD, 10) + encodeBase(BigInt(`0x${randomHex(10)}`), CROCKFORD, 16);
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH = 1400000000;

export function autoKsuid(now: number = Date.now()): string {
  // 4-byte timestamp (seconds since the KSUID epoch) + 16 random bytes, base62 to 27 chars.
  const ts = (Math.floor(now / 1000) - KSUID_EPOCH).toString(16).padStart(8, '0');
  return encodeBase(BigInt(`0x${ts}${randomHex(16)}`), BASE62, 27);
}
