// Who may talk to the local API from a browser. The server listens on loopback, but a web page the
// developer opens can still reach it: by cross-origin requests (stopped by answering CORS only to
// allowed origins and refusing requests whose Origin is not one) and by DNS rebinding (a name the
// attacker controls re-pointed at 127.0.0.1: stopped by accepting loopback Host headers only).
// Non-browser clients send no Origin and are unaffected.

export interface OriginPolicy {
  /** Extra Host names (without port) accepted besides the loopback ones; '*' accepts any. */
  hosts: string[] | '*';
  /** Extra origins (scheme://host[:port]) accepted besides loopback ones; '*' accepts any. */
  origins: string[] | '*';
}

export const LOOPBACK_ONLY: OriginPolicy = { hosts: [], origins: [] };

function list(text: string | undefined): string[] | '*' {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.includes('*') ? '*' : items;
}

/** SPLITLOOP_ALLOWED_ORIGINS and SPLITLOOP_ALLOWED_HOSTS: comma-separated, `*` for any. */
export function originPolicyFromEnv(env: Record<string, string | undefined> = process.env): OriginPolicy {
  return { hosts: list(env.SPLITLOOP_ALLOWED_HOSTS), origins: list(env.SPLITLOOP_ALLOWED_ORIGINS) };
}

export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** The hostname of a Host header value (`name:port`, `[v6]:port`), lower-cased; null when malformed. */
function hostnameOf(host: string): string | null {
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

export function hostAllowed(policy: OriginPolicy, host: string | undefined): boolean {
  if (policy.hosts === '*') return true;
  if (!host) return false;
  const hostname = hostnameOf(host);
  if (hostname === null) return false;
  return isLoopbackHostname(hostname) || policy.hosts.some((h) => h.toLowerCase() === hostname);
}

export function originAllowed(policy: OriginPolicy, origin: string): boolean {
  if (policy.origins === '*') return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes the opaque origin "null" (sandboxed frames, file://)
  }
  if ((url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHostname(url.hostname)) return true;
  return policy.origins.some((o) => o.replace(/\/$/, '').toLowerCase() === url.origin.toLowerCase());
}
