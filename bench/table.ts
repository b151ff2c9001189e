export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The figure this group's ratios are taken against. */
  baseline?: boolean;
}

export function printTable(title: string, rows: BenchRow[]): void {
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  console.log(`\n${title}`);
  console.log(`${'figure'.padEnd(width)}  ${'value'.padStart(12)}  unit`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(12)}  ----`);
  for (const r of rows) {
    const v = Math.abs(r.value) >= 100 ? r.value.toFixed(0) : r.value.toFixed(2);
    console.log(`${r.name.padEnd(width)}  ${v.padStart(12)}  ${r.unit}${r.baseline ? '  (baseline)' : ''}`);
  }
}
