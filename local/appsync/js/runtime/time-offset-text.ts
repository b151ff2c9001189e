// Offset text for the Z, X, x and O pattern letters, as java.time prints them.

const pad2 = (n: number) => String(n).padStart(2, '0');

function parts(seconds: number) {
  const abs = Math.abs(seconds);
  return { sign: seconds < 0 ? '-' : '+', h: Math.floor(abs / 3600), m: Math.floor(abs / 60) % 60, s: abs % 60 };
}

/**
 * appendOffset(pattern, noOffsetText). Patterns: +HH, +HHmm, +HH:mm, +HHMM, +HH:MM, +HHMMss,
 * +HH:MM:ss; lower-case parts are printed only when non-zero.
 */
export function formatOffset(seconds: number, pattern: string, noOffsetText: string): string {
  if (seconds === 0) return noOffsetText;
  const { sign, h, m, s } = parts(seconds);
  const colon = pattern.includes(':') ? ':' : '';
  let out = `${sign}${pad2(h)}`;
  const minutesOptional = pattern === '+HHmm' || pattern === '+HH:mm';
  const hasMinutes = pattern.length > 3;
  const secondsOptional = pattern.endsWith('ss');
  if (hasMinutes && (!minutesOptional || m !== 0 || s !== 0)) out += `${colon}${pad2(m)}`;
  if ((pattern.endsWith('SS') || secondsOptional) && (!secondsOptional || s !== 0)) out += `${colon}${pad2(s)}`;
  return out;
}

const Z_PATTERNS = ['+HHmm', '+HHMM', '+HH:MM', '+HHMMss', '+HH:MM:ss'];

export function offsetText(letter: string, count: number, seconds: number): string {
  switch (letter) {
    case 'Z':
      if (count <= 3) return formatOffset(seconds, '+HHMM', '+0000');
      if (count === 4) return localizedOffset(seconds, true);
      if (count === 5) return formatOffset(seconds, '+HH:MM:ss', 'Z');
      break;
    case 'X':
    case 'x': {
      const pattern = Z_PATTERNS[count - 1];
      if (pattern === undefined) break;
      const zero = letter === 'X' ? 'Z' : ['+00', '+0000', '+00:00', '+0000', '+00:00'][count - 1] as string;
      return formatOffset(seconds, pattern, zero);
    }
    case 'O':
      if (count === 1) return localizedOffset(seconds, false);
      if (count === 4) return localizedOffset(seconds, true);
      break;
  }
  throw new Error(`Too many pattern letters: ${letter}`);
}

/** "GMT", "GMT+8", "GMT+5:30" (short) or "GMT+08:00" (full). */
export function localizedOffset(seconds: number, full: boolean): string {
  if (seconds === 0) return 'GMT';
  const { sign, h, m, s } = parts(seconds);
  if (full) return `GMT${sign}${pad2(h)}:${pad2(m)}${s ? `:${pad2(s)}` : ''}`;
  return `GMT${sign}${h}${m || s ? `:${pad2(m)}` : ''}${s ? `:${pad2(s)}` : ''}`;
}
