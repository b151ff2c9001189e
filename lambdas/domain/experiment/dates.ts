// ISO 8601 date-times as the API accepts them (always with a time zone).

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/i;

/** Milliseconds since the epoch of an ISO 8601 date-time with a time zone, or undefined. */
export function parseIsoDateTime(value: string): number | undefined {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone, zh = '0', zm = '0'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59 || Number(zh) > 23 || Number(zm) > 59) return undefined;
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s), ms);
  if (zone!.toUpperCase() !== 'Z') {
    const offset = (Number(zh) * 60 + Number(zm)) * 60_000;
    t = zone!.startsWith('-') ? t + offset : t - offset;
  }
  return t;
}

