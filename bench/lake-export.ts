// Export speed of the event lake: N referral events (plus their referrers' assignments, codes and
// attributions) seeded straight into a DynamoDB Local table with BatchWriteItem, then exported to
// Parquet (full), then 1% more events exported incrementally.
//   npx tsx bench/lake-export.ts 100000        (npm run bench covers nothing this long)
//   npx tsx bench/lake-export.ts 1000000
import { BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportLake } from '../insights/export.ts';
import { startDynamoDbLocal } from '../local/dynamodb/lifecycle.ts';
import { createTables, tableNames } from '../local/dynamodb/tables.ts';
import { manifest } from '../resolvers/manifest.ts';

const events = Number(process.argv[2] ?? 100_000);
const DAY = 86_400_000;
const start = Date.parse('2026-11-01T00:00:00.000Z');

/** Deterministic items: a referrer per 10 events, events spread over 7 days. */
function* items(from: number, count: number, experimentId: string): Generator<Record<string, unknown>> {
  for (let i = from; i < from + count; i += 1) {
    const referrer = Math.floor(i / 10);
    const variant = referrer % 2 ? 'B' : 'A';
    const code = `C${referrer.toString(36).toUpperCase().padStart(7, '0')}`;
    const at = new Date(start + (i * 7 * DAY) / (from + count + 1)).toISOString();
    if (i % 10 === 0) {
      yield { pk: `EXP#${experimentId}#U#u${referrer}`, sk: 'ASSIGN', entity: 'Assignment', experimentId, userId: `u${referrer}`, variant, bucket: 1, assignedAt: at, code };
      yield { pk: `CODE#${code}`, sk: 'CODE', code, experimentId, referrerId: `u${referrer}`, variant, createdAt: at };
    }
    const slot = i % 10;
    const kind = slot < 5 ? 'INVITE' : slot < 8 ? 'CLICK' : slot === 8 ? 'SIGNUP' : 'CONVERSION';
    const referee = `r${referrer}`;
    const base = { pk: `EXP#${experimentId}#E#e${i}`, sk: 'EVT', entity: 'Event', kind, outcome: 'COUNTED', variant, reason: null, recordedAt: at, occurredAt: at };
    if (kind === 'INVITE' || kind === 'CLICK') yield { ...base, code, channel: slot % 2 ? 'EMAIL' : 'SMS' };
    else if (kind === 'SIGNUP') {
      yield { ...base, code, refereeId: referee };
      yield { pk: `EXP#${experimentId}#REF#${referee}`, sk: 'ATTR', entity: 'Attribution', experimentId, referrerId: `u${referrer}`, variant, code, attributedAt: at, conversions: 1 };
    } else yield { ...base, refereeId: referee, value: 20 + (i % 7), currency: 'USD' };
  }
}

async function seed(client: DynamoDBClient, table: string, source: Generator<Record<string, unknown>>): Promise<number> {
  let written = 0;
  const began = Date.now();
  let done = false;
  const next = (): WriteRequest[] => {
    const batch: WriteRequest[] = [];
    while (batch.length < 25) {
      const r = source.next();
      if (r.done) {
        done = true;
        break;
      }
      batch.push({ PutRequest: { Item: marshall(r.value, { removeUndefinedValues: true }) } });
    }
    return batch;
  };
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (!done) {
        let batch = next();
        while (batch.length) {
          const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: batch } }));
          written += batch.length - (out.UnprocessedItems?.[table]?.length ?? 0);
          batch = out.UnprocessedItems?.[table] ?? [];
        }
        if (written % 50_000 < 25) process.stderr.write(`seeded ${written} items (${Math.round((Date.now() - began) / 1000)} s)\n`);
      }
    }),
  );
  return written;
}

const dir = mkdtempSync(join(tmpdir(), 'sl-lake-bench-'));
// In memory: DynamoDB Local on disk commits every batch to SQLite, which would measure the disk, not the export.
const dynamodb = await startDynamoDbLocal({ inMemory: true, startTimeoutMs: 120_000 });
try {
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamodb.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 10 });
  const names = tableNames(manifest.tables, 'bench');
  await createTables(client, manifest.tables, names);
  const table = names.main!;
  let t = Date.now();
  const seeded = await seed(client, table, items(0, events, 'bench'));
  const seedMs = Date.now() - t;
  const lakeDir = join(dir, 'lake');
  t = Date.now();
  const full = await exportLake({ client, tableName: table, lakeDir, lagMs: 0, now: () => Date.now() + DAY * 60 });
  const fullMs = Date.now() - t;
  // 1% more events, recorded after the first export's watermark: the incremental export writes only them.
  const extra = Math.max(1, Math.floor(events / 100));
  const later = items(events, extra, 'bench');
  const shifted = (function* () {
    for (const item of later) yield { ...item, recordedAt: new Date(Date.now() + DAY * 61).toISOString() };
  })();
  await seed(client, table, shifted);
  t = Date.now();
  const inc = await exportLake({ client, tableName: table, lakeDir, lagMs: 0, now: () => Date.now() + DAY * 62 });
  const incMs = Date.now() - t;
  const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);
  const report = {
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`,
    events,
    seededItems: seeded,
    seedSeconds: +(seedMs / 1000).toFixed(1),
    full: { eventRows: full.rows.events, assignmentRows: full.rows.assignments, files: full.files.length, itemsScanned: full.scanned, seconds: +(fullMs / 1000).toFixed(1), eventsPerSecond: rate(full.rows.events!, fullMs), itemsPerSecond: rate(full.scanned, fullMs) },
    incremental: { eventRows: inc.rows.events, files: inc.files.length, itemsReturned: inc.scanned, seconds: +(incMs / 1000).toFixed(1) },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await dynamodb.stop();
  rmSync(dir, { recursive: true, force: true });
}
