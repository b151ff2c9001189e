// Formats an instant with a Java DateTimeFormatter pattern (en_US texts).
import { DAYS, MONTHS, usWeek, usWeekOfMonth, zonedFields, type ZonedFields } from './time-fields.ts';
import { offsetText } from './time-offset-text.ts';
import { tokenize, type Token } from './time-pattern.ts';
import type { Zone } from './time-zone.ts';

const pad = (n: number, width: number) => (n < 0 ? '-' + String(-n).padStart(width, '0') : String(n).padStart(width, '0'));

function text(full: string, count: number): string {
  if (count === 4) return full;
  if (count === 5) return full.slice(0, 1);
  return full.slice(0, 3);
}

function year(value: number, count: number): string {
  if (count === 2) return pad(((value % 100) + 100) % 100, 2);
  return pad(value, count);
}

/** Numeric field limited to one or two letters (d, H, m, s, ...). */
function small(letter: string, value: number, count: number): string {
  if (count > 2) throw new Error(`Too many pattern letters: ${letter}`);
  return pad(value, count);
}

function zoneName(zone: Zone, epochMs: number, full: boolean): string {
  if (!zone.iana) return zone.id;
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone.iana, timeZoneName: full ? 'long' : 'short' });
  return f.formatToParts(new Date(epochMs)).find((p) => p.type === 'timeZoneName')?.value ?? zone.id;
}

function field(letter: string, count: number, f: ZonedFields, epochMs: number): string {
  const hour12 = f.hour % 12;
  switch (letter) {
    case 'G': return count === 4 ? 'Anno Domini' : count === 5 ? 'A' : 'AD';
    case 'y': case 'u': return year(f.year, count);
    case 'Y': return year(usWeek(f)[0], count);
    case 'M': case 'L': return count <= 2 ? pad(f.month, count) : text(MONTHS[f.month - 1] as string, count);
    case 'd': return small(letter, f.day, count);
    case 'D': return pad(f.dayOfYear, count);
    case 'Q': case 'q': {
      const q = Math.floor((f.month - 1) / 3) + 1;
      return count <= 2 ? pad(q, count) : count === 3 ? `Q${q}` : count === 4 ? `${['1st', '2nd', '3rd', '4th'][q - 1]} quarter` : String(q);
    }
    case 'w': return small(letter, usWeek(f)[1], count);
    case 'W': return String(usWeekOfMonth(f));
    case 'E': return text(DAYS[f.dayOfWeek - 1] as string, count <= 3 ? 3 : count);
    case 'e': case 'c': return count <= 2 ? pad((f.dayOfWeek % 7) + 1, count) : text(DAYS[f.dayOfWeek - 1] as string, count);
    case 'a':
      if (count !== 1) throw new Error(`Too many pattern letters: a`);
      return f.hour < 12 ? 'AM' : 'PM';
    case 'H': return small(letter, f.hour, count);
    case 'k': return small(letter, f.hour === 0 ? 24 : f.hour, count);
    case 'K': return small(letter, hour12, count);
    case 'h': return small(letter, hour12 === 0 ? 12 : hour12, count);
    case 'm': return small(letter, f.minute, count);
    case 's': return small(letter, f.second, count);
    case 'S':
      if (count > 9) throw new Error('Too many pattern letters: S');
      return pad(f.millis * 1000000, 9).slice(0, count);
    case 'n': return pad(f.millis * 1000000, count);
    case 'A': return pad(((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + f.millis, count);
    case 'N': return pad((((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + f.millis) * 1000000, count);
    case 'Z': case 'X': case 'x': case 'O': return offsetText(letter, count, f.offset);
    case 'V':
      if (count !== 2) throw new Error('Pattern letter count must be 2: V');
      return f.zone.id;
    case 'z': case 'v': return zoneName(f.zone, epochMs, count >= 4);
    default:
      throw new Error(`Unknown pattern letter: ${letter}`);
  }
}

function render(tokens: Token[], f: ZonedFields, epochMs: number): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'literal') out += t.text;
    else if (t.kind === 'optional') out += render(t.tokens, f, epochMs);
    else out += field(t.letter, t.count, f, epochMs);
  }
  return out;
}

export function formatEpochMs(epochMs: number, pattern: string, zone: Zone): string {
  return render(tokenize(pattern), zonedFields(epochMs, zone), epochMs);
}
