// util.time. Formats follow Java's DateTimeFormatter; zones are IANA ids or fixed offsets.
import { formatEpochMs } from './time-format.ts';
import { parseToEpochMs } from './time-parse.ts';
import { resolveZone } from './time-zone.ts';

const ISO = /^([+-]?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(?:\[[^\]]+\])?$/;

function toMillis(value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`Expected epoch milliseconds, got ${String(value)}`);
  return Math.trunc(n);
}

export function parseISO8601ToEpochMilliSeconds(text: unknown): number {
  const s = String(text);
  const m = ISO.exec(s);
  if (!m) throw new Error(`Text '${s}' could not be parsed as an ISO 8601 timestamp`);
  const fraction = (m[7] ?? '').padEnd(3, '0').slice(0, 3);
  const pattern = `yyyy-MM-dd'T'HH:mm:ss.SSS`;
  const local = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${fraction}`;
  return parseToEpochMs(local, pattern, m[8] ?? 'Z');
}

export function epochMilliSecondsToISO8601(ms: unknown): string {
  return new Date(toMillis(ms)).toISOString();
}

export const time = {
  nowISO8601: () => new Date().toISOString(),
  nowEpochSeconds: () => Math.floor(Date.now() / 1000),
  nowEpochMilliSeconds: () => Date.now(),
  nowFormatted: (format: string, timezone?: string) => formatEpochMs(Date.now(), String(format), resolveZone(timezone)),
  parseFormattedToEpochMilliSeconds: (timestamp: string, format: string, timezone?: string) =>
    parseToEpochMs(String(timestamp), String(format), timezone),
  parseISO8601ToEpochMilliSeconds,
  epochMilliSecondsToSeconds: (ms: unknown) => Math.trunc(toMillis(ms) / 1000),
  epochMilliSecondsToISO8601,
  epochMilliSecondsToFormatted: (ms: unknown, format: string, timezone?: string) =>
    formatEpochMs(toMillis(ms), String(format), resolveZone(timezone)),
};
