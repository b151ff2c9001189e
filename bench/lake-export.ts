// Export speed of the event lake: N referral events (plus their referrers' assignments, codes,
// attributions and totals) seeded straight into an in-memory DynamoDB Local table (bench/seed.ts),
// exported to Parquet (full), then 1,000 more events exported incrementally.
//   npx tsx bench/lake-export.ts 100000        (npm run bench covers nothing this long)
//   npx tsx bench/lake-export.ts 1000000
// Prints JSON: rates, where the time went (reading the table vs writing Parquet), the machine.
import { DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportLake } from '../insights/export.ts';
import { startDynamoDbLocal } from '../local/dynamodb/lifecycle.ts';
import { createTables, tableNames } from '../local/dynamodb/tables.ts';
import { manifest } from '../resolvers/manifest.ts';
import { seedExperiment } from './seed.ts';

const events = Number(process.argv[2] ?? 100_000);
const incrementalEvents = Number(process.argv[3] ?? 1_000);
const DAY = 86_400_000;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const log = (s: string) => process.stderr.write(`lake-export: ${s} (load ${load()})\n`);

const dir = mkdtempSync(join(tmpdir(), 'sl-lake-bench-'));
// In memory: DynamoDB Local on disk commits every batch to SQLite, which would measure the disk, not the export.
// 10^6 events are 1.3 million items held in the JVM's heap: 512 MB (the default) ran out at 10^6.
const dynamodb = await startDynamoDbLocal({ inMemory: true, startTimeoutMs: 120_000, maxHeap: events > 200_000 ? '8g' : '2g' });
try {
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamodb.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 10 });
  const names = tableNames(manifest.tables, 'bench');
  await createTables(client, manifest.tables, names);
  const table = names.main!;
  // The export reads the table, not its stream: without one, DynamoDB Local writes each seeded item once.
  await client.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }));
  const loadAtStart = load();
  let t = Date.now();
  // A week of events ending an hour ago.
  const seeded = await seedExperiment(
    client,
    table,
    { experimentId: 'bench', variants: ['A', 'B'], events, startAt: Date.now() - 7 * DAY - 3_600_000, spanMs: 7 * DAY },
    { concurrency: 16, onProgress: (n) => log(`seeded ${n} items in ${Math.round((Date.now() - t) / 1000)} s`) },
  );
  const seedMs = Date.now() - t;
  log(`seeded ${seeded.items} items in ${(seedMs / 1000).toFixed(1)} s; full export`);
  const lakeDir = join(dir, 'lake');
  t = Date.now();
  const full = await exportLake({ client, tableName: table, lakeDir, lagMs: 0 });
  const fullMs = Date.now() - t;
  log(`full export ${(fullMs / 1000).toFixed(1)} s; seeding ${incrementalEvents} more`);
  // New referrers' events recorded after the first export's watermark: the incremental export writes only them.
  await new Promise((r) => setTimeout(r, 5));
  await seedExperiment(client, table, { experimentId: 'bench', variants: ['A', 'B'], events: incrementalEvents, firstEvent: events + 10, startAt: Date.now(), spanMs: 1000 }, { totals: false });
  t = Date.now();
  const inc = await exportLake({ client, tableName: table, lakeDir, lagMs: 0, now: () => Date.now() + 60_000 });
  const incMs = Date.now() - t;
  const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);
  const report = {
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadAtStart} at the start, ${load()} at the end`,
    events,
    seed: { items: seeded.items, seconds: +(seedMs / 1000).toFixed(1), itemsPerSecond: rate(seeded.items, seedMs) },
    full: {
      eventRows: full.rows.events,
      assignmentRows: full.rows.assignments,
      files: full.files.length,
      itemsScanned: full.scanned,
      seconds: +(fullMs / 1000).toFixed(1),
      eventsPerSecond: rate(full.rows.events!, fullMs),
      readSeconds: +(full.timings.scanMs / 1000).toFixed(1),
      writeSeconds: +(full.timings.writeMs / 1000).toFixed(1),
    },
    incremental: {
      eventRows: inc.rows.events,
      files: inc.files.length,
      itemsRead: inc.scanned,
      seconds: +(incMs / 1000).toFixed(2),
      readSeconds: +(inc.timings.scanMs / 1000).toFixed(2),
      writeSeconds: +(inc.timings.writeMs / 1000).toFixed(2),
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await dynamodb.stop();
  rmSync(dir, { recursive: true, force: true });
}
