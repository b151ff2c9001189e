// Small value helpers shared across local/ (which may not import the app's model/guards.ts: the
// boundary keeps the host generic).

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Header names lower-cased, as AppSync hands them to resolvers and as SigV4 signs them; a header
 * sent several times (or as a list) becomes one comma-joined value, in order.
 */
export function lowerHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    const key = name.toLowerCase();
    out[key] = key in out ? `${out[key]},${text}` : text;
  }
  return out;
}
