// Time zones for util.time: a tz argument is an IANA id (resolved with Intl), a fixed offset
// ("+08:00", "-07:00:30", "+0530", "Z") or UTC/GMT with an optional offset, as Java's ZoneId.of
// accepts. Offsets may carry seconds, which Intl cannot express, so fixed offsets are computed here.

export interface Zone {
  /** Zone id as Java prints it (VV): "Australia/Perth", "+08:00", "Z". */
  id: string;
  /** Offset in seconds east of UTC at the given instant. */
  offsetAt(epochMs: number): number;
  /** IANA id usable with Intl, or null for fixed offsets. */
  iana: string | null;
}

const OFFSET = /^([+-])(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?$/;

export function parseOffset(text: string): number | null {
  const m = OFFSET.exec(text);
  if (!m) return null;
  const [h, mi, s] = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
  if (h > 18 || mi > 59 || s > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (h * 3600 + mi * 60 + s);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Java's ZoneOffset id: "Z", "+08:00", "-07:00:30". */
export function offsetId(seconds: number): string {
  if (seconds === 0) return 'Z';
  const abs = Math.abs(seconds);
  const base = `${seconds < 0 ? '-' : '+'}${pad2(Math.floor(abs / 3600))}:${pad2(Math.floor(abs / 60) % 60)}`;
  return abs % 60 ? `${base}:${pad2(abs % 60)}` : base;
}

export function fixedZone(seconds: number, id: string = offsetId(seconds)): Zone {
  return { id, iana: null, offsetAt: () => seconds };
}

export const UTC: Zone = fixedZone(0, 'Z');

const formatters = new Map<string, Intl.DateTimeFormat>();

function ianaFormatter(id: string): Intl.DateTimeFormat {
  let f = formatters.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: id, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    });
    formatters.set(id, f);
  }
  return f;
}

function ianaZone(id: string): Zone {
  const f = ianaFormatter(id); // throws RangeError for an unknown zone
  return {
    id, // Java keeps the id as given (ZoneId.of("US/Pacific").getId() is "US/Pacific")
    iana: id,
    offsetAt(epochMs: number): number {
      const parts: Record<string, string> = {};
      for (const p of f.formatToParts(new Date(epochMs))) parts[p.type] = p.value;
      let year = Number(parts.year);
      if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
      const local = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
      const utcSeconds = Math.floor(epochMs / 1000) * 1000;
      return Math.round((local - utcSeconds) / 1000);
    },
  };
}

export function resolveZone(tz: unknown): Zone {
  if (tz === undefined || tz === null || tz === '') return UTC;
  const text = String(tz);
  if (text === 'Z') return UTC;
  const fixed = parseOffset(text);
  if (fixed !== null) return fixedZone(fixed);
  const prefixed = /^(UTC|GMT|UT)([+-].*)?$/.exec(text);
  if (prefixed) {
    if (!prefixed[2]) return fixedZone(0, text);
    const seconds = parseOffset(prefixed[2]);
    if (seconds !== null) return fixedZone(seconds, `${prefixed[1]}${offsetId(seconds)}`);
  }
  try {
    return ianaZone(text);
  } catch {
    throw new Error(`Invalid time zone: ${text}`);
  }
}

/** Instant of a local wall-clock time in a zone (earlier offset wins in overlaps, as Java). */
export function localToEpochMs(localAsUtcMs: number, zone: Zone): number {
  let guess = localAsUtcMs - zone.offsetAt(localAsUtcMs) * 1000;
  for (let i = 0; i < 3; i += 1) {
    const next = localAsUtcMs - zone.offsetAt(guess) * 1000;
    if (next === guess) break;
    guess = next;
  }
  return guess;
}
