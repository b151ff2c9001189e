// `npm run bench`: each group runs its own baseline in the same process and reports ratios to it.
import { benchLive } from './live.ts';
import { benchRuntime } from './runtime.ts';
import { printTable, type BenchRow } from './table.ts';

const groups: [string, (progress: (s: string) => void) => Promise<BenchRow[]>][] = [
  ['Local runtime', benchRuntime],
  ['Live counts', benchLive],
];

const only = process.argv[2];
for (const [title, run] of groups) {
  if (only && !title.toLowerCase().includes(only.toLowerCase())) continue;
  const rows = await run((s) => process.stderr.write(`bench: ${s}\n`));
  printTable(title, rows);
}
