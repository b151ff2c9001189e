// Parses text with a Java DateTimeFormatter pattern into epoch milliseconds. Missing date fields
// default to 1970-01-01 and missing time fields to 0; a parsed offset or zone wins over the
// zone argument, which wins over UTC (as DateTimeFormatter.withZone).
import { DAYS, MONTHS } from './time-fields.ts';
import { tokenize, type Token } from './time-pattern.ts';
import { localToEpochMs, parseOffset, resolveZone, type Zone } from './time-zone.ts';

interface Parsed {
  year?: number; month?: number; day?: number; dayOfYear?: number;
  hour?: number; hour12?: number; clockHour12?: boolean; pm?: boolean;
  minute?: number; second?: number; nanos?: number;
  offset?: number; zone?: Zone;
}

class ParseFailure {}

const NUMERIC = /[yuYMLdDHkKhmsSnANQqwWec]/;
const isNumericField = (t: Token | undefined, count = 0) =>
  t?.kind === 'field' && NUMERIC.test(t.letter) && !(/[MLQqec]/.test(t.letter) && t.count >= 3) && t.count >= count;

/** [min, max] digits a numeric field reads. */
function widths(letter: string, count: number): [number, number] {
  if (letter === 'S') return [count, count];
  if (/[yuY]/.test(letter)) return count === 2 ? [2, 2] : [count, 19];
  if (/[DnAN]/.test(letter)) return [count, letter === 'D' ? 3 : 19];
  return count === 1 ? [1, 19] : [count, count];
}

class Parser {
  constructor(readonly input: string) {}

  tokens(tokens: Token[], pos: number, out: Parsed): number {
    let p = pos;
    tokens.forEach((t, i) => {
      if (t.kind === 'literal') {
        if (!this.input.startsWith(t.text, p)) throw new ParseFailure();
        p += t.text.length;
      } else if (t.kind === 'optional') {
        const trial: Parsed = { ...out };
        try {
          p = this.tokens(t.tokens, p, trial);
          Object.assign(out, trial);
        } catch (e) {
          if (!(e instanceof ParseFailure)) throw e;
        }
      } else p = this.field(t.letter, t.count, p, out, tokens.slice(i + 1));
    });
    return p;
  }

  private digits(pos: number, letter: string, count: number, rest: Token[]): [number, number] {
    const run = /^\d*/.exec(this.input.slice(pos))?.[0] ?? '';
    const [min, max] = widths(letter, count);
    let take = Math.min(run.length, max);
    if (min !== max) {
      // Adjacent value parsing: leave the digits the following fixed-width fields need.
      let reserved = 0;
      for (const t of rest) {
        if (!isNumericField(t) || t.kind !== 'field') break;
        const [tMin, tMax] = widths(t.letter, t.count);
        if (tMin !== tMax) break;
        reserved += tMin;
      }
      take = Math.min(take, Math.max(min, run.length - reserved));
    }
    if (take < min) throw new ParseFailure();
    return [Number(run.slice(0, take)), take];
  }

  private name(pos: number, names: string[]): [number, number] {
    const rest = this.input.slice(pos).toLowerCase();
    let best = -1;
    let len = 0;
    names.forEach((n, i) => {
      if (rest.startsWith(n.toLowerCase()) && n.length > len) { best = i; len = n.length; }
    });
    if (best < 0) throw new ParseFailure();
    return [best, len];
  }

  private field(letter: string, count: number, pos: number, out: Parsed, rest: Token[]): number {
    const textual = (full: string[]) => this.name(pos, count === 4 ? full : full.map((n) => n.slice(0, 3)));
    if ((letter === 'M' || letter === 'L') && count >= 3) {
      const [i, len] = textual(MONTHS);
      out.month = i + 1;
      return pos + len;
    }
    if (letter === 'E' || ((letter === 'e' || letter === 'c') && count >= 3)) return pos + textual(DAYS)[1];
    if (letter === 'a') {
      const [i, len] = this.name(pos, ['AM', 'PM']);
      out.pm = i === 1;
      return pos + len;
    }
    if (letter === 'G') return pos + this.name(pos, ['Anno Domini', 'AD', 'A'])[1];
    if (/[ZXxO]/.test(letter)) return this.offset(pos, out);
    if (letter === 'V' || letter === 'z' || letter === 'v') {
      const id = /^[A-Za-z0-9_/+\-:]+/.exec(this.input.slice(pos))?.[0];
      if (!id) throw new ParseFailure();
      out.zone = resolveZone(id);
      return pos + id.length;
    }
    const [value, len] = this.digits(pos, letter, count, rest);
    this.assign(letter, count, value, len, out);
    return pos + len;
  }

  private offset(pos: number, out: Parsed): number {
    const m = /^(?:Z|UTC|GMT(?=[^+-]|$)|(?:GMT)?([+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?))/.exec(this.input.slice(pos));
    if (!m) throw new ParseFailure();
    out.offset = m[1] ? (parseOffset(m[1]) ?? NaN) : 0;
    if (Number.isNaN(out.offset)) throw new ParseFailure();
    return pos + m[0].length;
  }

  private assign(letter: string, count: number, value: number, len: number, out: Parsed): void {
    switch (letter) {
      case 'y': case 'u': case 'Y': out.year = count === 2 && len === 2 ? 2000 + value : value; break;
      case 'M': case 'L': out.month = value; break;
      case 'd': out.day = value; break;
      case 'D': out.dayOfYear = value; break;
      case 'H': out.hour = value; break;
      case 'k': out.hour = value === 24 ? 0 : value; break;
      case 'h': out.hour12 = value; out.clockHour12 = true; break;
      case 'K': out.hour12 = value; out.clockHour12 = false; break;
      case 'm': out.minute = value; break;
      case 's': out.second = value; break;
      case 'S': out.nanos = value * 10 ** (9 - count); break;
      case 'n': out.nanos = value; break;
      default: break; // parsed but not needed to locate the instant (week fields, quarter, ...)
    }
  }
}

function hourOf(p: Parsed): number {
  if (p.hour !== undefined) return p.hour;
  if (p.hour12 === undefined) return 0;
  const base = p.clockHour12 && p.hour12 === 12 ? 0 : p.hour12;
  return base + (p.pm ? 12 : 0);
}

export function parseToEpochMs(text: string, pattern: string, tz?: unknown): number {
  const p: Parsed = {};
  const parser = new Parser(text);
  let end: number;
  try {
    end = parser.tokens(tokenize(pattern), 0, p);
  } catch (e) {
    if (e instanceof ParseFailure) throw new Error(`Text '${text}' could not be parsed with pattern '${pattern}'`);
    throw e;
  }
  if (end !== text.length) throw new Error(`Text '${text}' could not be parsed, unparsed text found at index ${end}`);
  const year = p.year ?? 1970;
  const hour = hourOf(p);
  const [minute, second, nanos] = [p.minute ?? 0, p.second ?? 0, p.nanos ?? 0];
  let month = p.month ?? 1;
  let day = p.day ?? 1;
  if (p.dayOfYear !== undefined && p.month === undefined) {
    const d = new Date(Date.UTC(2000, 0, p.dayOfYear));
    d.setUTCFullYear(year, 0, p.dayOfYear);
    [month, day] = [d.getUTCMonth() + 1, d.getUTCDate()];
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw new Error(`Text '${text}' could not be parsed: a field value is out of range`);
  }
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, Math.floor(nanos / 1000000));
  if (local.getUTCDate() !== day) throw new Error(`Text '${text}' could not be parsed: Invalid date`);
  if (p.offset !== undefined) return local.getTime() - p.offset * 1000;
  return localToEpochMs(local.getTime(), p.zone ?? resolveZone(tz));
}
