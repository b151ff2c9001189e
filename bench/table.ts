export interface BenchRow {
  name: string;
  /** The median over rounds when `range` is given. */
  value: number;
  unit: string;
  /** Min and max over the interleaved rounds. */
  range?: [number, number];
  /** The figure this group's ratios are taken against. */
  baseline?: boolean;
  note?: string;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));

export function printTable(title: string, rows: BenchRow[]): void {
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  console.log(`\n${title}`);
  console.log(`${'figure'.padEnd(width)}  ${'value'.padStart(10)}  ${'min–max'.padStart(17)}  unit`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(10)}  ${'-'.repeat(17)}  ----`);
  for (const r of rows) {
    const range = r.range ? `${fmt(r.range[0])}–${fmt(r.range[1])}` : '';
    const extra = `${r.baseline ? '  (baseline)' : ''}${r.note ? `  ${r.note}` : ''}`;
    console.log(`${r.name.padEnd(width)}  ${(Number.isNaN(r.value) ? "" : fmt(r.value)).padStart(10)}  ${range.padStart(17)}  ${r.unit}${extra}`);
  }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** A row with the median of `values` and their min–max. */
export function summary(name: string, values: number[], unit: string, extra: Partial<BenchRow> = {}): BenchRow {
  return { name, value: median(values), unit, range: [Math.min(...values), Math.max(...values)], ...extra };
}
