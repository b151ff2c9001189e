// The calendar fields of an instant in a zone, plus the English (en_US) names Java prints.
import type { Zone } from './time-zone.ts';

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export interface ZonedFields {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  dayOfWeek: number; // ISO: 1 = Monday .. 7 = Sunday
  dayOfYear: number;
  offset: number; // seconds east of UTC
  zone: Zone;
}

export function zonedFields(epochMs: number, zone: Zone): ZonedFields {
  const offset = zone.offsetAt(epochMs);
  const d = new Date(epochMs + offset * 1000);
  const year = d.getUTCFullYear();
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millis: d.getUTCMilliseconds(),
    dayOfWeek: ((d.getUTCDay() + 6) % 7) + 1,
    dayOfYear: Math.floor((Date.UTC(year, d.getUTCMonth(), d.getUTCDate()) - Date.UTC(year, 0, 1)) / 86400000) + 1,
    offset,
    zone,
  };
}

/** en_US week rules (weeks start on Sunday, week 1 holds January 1): [weekBasedYear, week]. */
export function usWeek(f: ZonedFields): [number, number] {
  const sundayIndex = (dow: number) => dow % 7; // Sunday 0 .. Saturday 6
  const jan1Dow = new Date(Date.UTC(f.year, 0, 1)).getUTCDay();
  const nextJan1 = Date.UTC(f.year + 1, 0, 1);
  const weekStart = Date.UTC(f.year, f.month - 1, f.day) - sundayIndex(f.dayOfWeek) * 86400000;
  if (weekStart + 7 * 86400000 > nextJan1) return [f.year + 1, 1];
  return [f.year, Math.floor((f.dayOfYear - 1 + jan1Dow) / 7) + 1];
}

export function usWeekOfMonth(f: ZonedFields): number {
  const firstDow = new Date(Date.UTC(f.year, f.month - 1, 1)).getUTCDay();
  return Math.floor((f.day - 1 + firstDow) / 7) + 1;
}
