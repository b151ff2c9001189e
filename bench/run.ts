// `npm run bench`: each group runs its own baseline in the same process and reports ratios to it.
// `npm run bench -- <word>` runs only the groups whose title contains the word.
import { benchAssignment } from './assignment.ts';
import { benchFlatCosts } from './flat-costs.ts';
import { benchLive } from './live.ts';
import { benchPeers } from './peers.ts';
import { benchRuntime } from './runtime.ts';
import { printTable, type BenchRow } from './table.ts';

const groups: [string, (progress: (s: string) => void) => Promise<BenchRow[]>][] = [
  ['Assignment vs GrowthBook', benchAssignment],
  ['Local runtime', benchRuntime],
  ['Peers: local runtime vs Amplify AppSync simulator vs DynamoDB Local', benchPeers],
  ['Live counts', benchLive],
  ['Flat costs at scale: results, assign, liveCounts by events in the experiment', benchFlatCosts],
];

const only = process.argv[2];
for (const [title, run] of groups) {
  if (only && !title.toLowerCase().includes(only.toLowerCase())) continue;
  const rows = await run((s) => process.stderr.write(`bench: ${s}\n`));
  printTable(title, rows);
}
// Evaluator worker threads and sockets must not keep a finished bench alive.
process.exit(0);
