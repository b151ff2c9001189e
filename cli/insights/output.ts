// Query results as a plain-text table, CSV (RFC 4180) or JSON (an array of row objects).
import { textTable } from '../simulate.ts';
import type { QueryResult } from '../../insights/duckdb.ts';

export type OutputFormat = 'table' | 'csv' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'csv', 'json'];

const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toFixed(6))) : String(v));

function csvField(v: unknown): string {
  const s = cell(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function formatResult(result: QueryResult, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(result.rows, null, 2)}\n`;
  if (format === 'csv') return [result.columns.map(csvField).join(','), ...result.rows.map((r) => result.columns.map((c) => csvField(r[c])).join(','))].join('\r\n') + '\r\n';
  if (!result.rows.length) return `${result.columns.join('  ')}\n(no rows)\n`;
  return `${textTable(result.columns, result.rows.map((r) => result.columns.map((c) => (r[c] === null ? 'NULL' : cell(r[c])))))}\n(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})\n`;
}
