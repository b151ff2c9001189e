// `splitloop export`: the table's assignments, events and rewards as the Parquet lake, Hive-
// partitioned by the UTC date the item was written (`<table>/dt=YYYY-MM-DD/part-<seq>.parquet`).
//
// Incremental: each export takes the items changed in (watermark, now - lag] (the lag lets writes
// in flight land first), found with a parallel Scan, and adds one file per table and date. The
// first export filters on this side (every item is wanted; DynamoDB Local evaluating a filter per
// item only adds work); later ones filter in the Scan, so that only the window's items travel, and
// fetch the codes and attributions that name their events' referrers by key (BatchGetItem), so
// their cost grows with the window, not with the table, apart from the Scan's own reading.
// Why not an index of items by time: a GSI on event items would bill every recorded event one more
// write unit on AWS, where the lake is fed from the stream and would never read it.
// Resumable: the window is pinned in the manifest before anything is written, each file is written
// to _tmp/ and renamed into place, and the watermark moves only after the last file; an interrupted
// export run again rewrites the same files from the same window (rows in a total order), so no row
// is ever in the lake twice.
import { BatchGetItemCommand, DescribeTableCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { convertToNative } from '@aws-sdk/util-dynamodb';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAKE_TABLES, PARTITION_COLUMN, type LakeTable } from '../lambdas/lake/schema.ts';
import { keys } from '../model/keys.ts';
import { attributionKey, attributionReferrer, codeReferrer, partitionDate, toLakeRow } from '../lambdas/lake/rows.ts';
import { DUCKDB_TYPES } from './duckdb.ts';
import { processAlive } from './pid.ts';
import { readManifest, writeManifest, type ExportWindow, type FinishedExport } from './manifest.ts';

export interface ExportProgress {
  phase: 'scan' | 'write' | 'done';
  /** Items the Scan read so far (before its filter), and the table's item count (an estimate). */
  scanned: number;
  total: number;
  /** Lake rows found so far. */
  rows: number;
  files: number;
  filesTotal: number;
  elapsedMs: number;
}

export interface ExportOptions {
  client: DynamoDBClient;
  tableName: string;
  lakeDir: string;
  /** Items changed in the last `lagMs` wait for the next export (default 2000). */
  lagMs?: number;
  now?: () => number;
  /** Parallel Scan segments (default 4). */
  segments?: number;
  onProgress?: (progress: ExportProgress) => void;
  /** Stops between pages and between files; the export resumes on the next run. */
  signal?: AbortSignal;
}

export interface ExportSummary extends FinishedExport {
  resumed: boolean;
  /** Rows per lake table in this export. */
  rows: Record<string, number>;
  scanned: number;
  elapsedMs: number;
  /** Where the time went: reading the table (and staging rows in DuckDB), writing the Parquet files. */
  timings: { scanMs: number; writeMs: number };
}

export class ExportBusyError extends Error {
  constructor(lakeDir: string, pid: number) {
    super(`another export (process ${pid}) is writing ${lakeDir}; wait for it to finish`);
    this.name = 'ExportBusyError';
  }
}

export class ExportInterruptedError extends Error {
  constructor() {
    super('export interrupted; run it again to resume (the same files are written, nothing twice)');
    this.name = 'ExportInterruptedError';
  }
}

const LOCK_FILE = '_lock';
const TMP_DIR = '_tmp';
/** Total order of each table's rows inside a file, so that a rerun writes identical files. */
const ORDER: Record<LakeTable['name'], string> = {
  assignments: 'assigned_at, experiment_id, user_id',
  events: 'recorded_at, experiment_id, event_id',
  rewards: 'created_at, reward_id, status',
};

/** One export at a time per lake: in this process (a queue) and across processes (a lock file). */
const queues = new Map<string, Promise<unknown>>();

export function exportLake(options: ExportOptions): Promise<ExportSummary> {
  const previous = queues.get(options.lakeDir) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => withLock(options.lakeDir, () => runExport(options)));
  queues.set(options.lakeDir, run);
  return run;
}

function withLock<T>(lakeDir: string, body: () => Promise<T>): Promise<T> {
  mkdirSync(lakeDir, { recursive: true });
  const file = join(lakeDir, LOCK_FILE);
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8'));
      if (pid && pid !== process.pid && processAlive(pid)) throw new ExportBusyError(lakeDir, pid);
      unlinkSync(file); // left by a process that died mid-export: its pending window is resumed
    }
  }
  return body().finally(() => rmSync(file, { force: true }));
}

const partFile = (seq: number) => `part-${String(seq).padStart(6, '0')}.parquet`;

async function runExport(options: ExportOptions): Promise<ExportSummary> {
  const started = Date.now();
  const { lakeDir } = options;
  const manifest = readManifest(lakeDir);
  const resumed = !!manifest.pending;
  const now = (options.now ?? Date.now)();
  const to = new Date(now - (options.lagMs ?? 2000)).toISOString();
  const window: ExportWindow = manifest.pending ?? { seq: (manifest.exports.at(-1)?.seq ?? 0) + 1, from: manifest.watermark, to };
  const summary: ExportSummary = { ...window, files: [], resumed, rows: {}, scanned: 0, elapsedMs: 0, timings: { scanMs: 0, writeMs: 0 } };
  if (!resumed && window.to <= window.from) return { ...summary, elapsedMs: Date.now() - started };
  if (!resumed) writeManifest(lakeDir, { ...manifest, pending: window });

  const progress: ExportProgress = { phase: 'scan', scanned: 0, total: 0, rows: 0, files: 0, filesTotal: 0, elapsedMs: 0 };
  const report = () => options.onProgress?.({ ...progress, elapsedMs: Date.now() - started });
  const described = await options.client.send(new DescribeTableCommand({ TableName: options.tableName }));
  progress.total = described.Table?.ItemCount ?? 0;
  report();

  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  try {
    let t = Date.now();
    await stage(db, options, window, progress, report);
    summary.timings.scanMs = Date.now() - t;
    summary.scanned = progress.scanned;
    progress.phase = 'write';
    t = Date.now();
    const files = await writeFiles(db, lakeDir, window.seq, progress, report, options.signal);
    summary.timings.writeMs = Date.now() - t;
    summary.files = files;
    for (const t of LAKE_TABLES) summary.rows[t.name] = files.filter((f) => f.path.startsWith(`${t.name}/`)).reduce((n, f) => n + f.rows, 0);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  const finished: FinishedExport = { seq: window.seq, from: window.from, to: window.to, files: summary.files };
  const latest = readManifest(lakeDir);
  // An export that found nothing moves the watermark but is not listed (its seq is used again).
  const exports = latest.exports.filter((e) => e.seq !== window.seq);
  writeManifest(lakeDir, { format: 1, watermark: window.to, exports: finished.files.length ? [...exports, finished] : exports });
  progress.phase = 'done';
  report();
  return { ...summary, elapsedMs: Date.now() - started };
}

/** Stage tables: the lake columns as text/numbers plus the partition and the referrer lookups. */
async function stage(db: DuckDBConnection, options: ExportOptions, window: ExportWindow, progress: ExportProgress, report: () => void) {
  for (const t of LAKE_TABLES) {
    const cols = t.columns.map((c) => `${c.name} ${c.type === 'timestamp' ? 'VARCHAR' : DUCKDB_TYPES[c.type]}`);
    const extra = t.name === 'events' ? ', code_key VARCHAR, attribution_key VARCHAR' : '';
    await db.run(`CREATE TABLE stage_${t.name} (${cols.join(', ')}, ${PARTITION_COLUMN} VARCHAR${extra})`);
  }
  await db.run('CREATE TABLE stage_codes (code VARCHAR, referrer_id VARCHAR)');
  await db.run('CREATE TABLE stage_attributions (attribution_key VARCHAR, referrer_id VARCHAR)');
  const appenders: Record<string, DuckDBAppender> = {};
  for (const name of ['assignments', 'events', 'rewards', 'codes', 'attributions']) appenders[name] = await db.createAppender(`stage_${name}`);

  const append = (appender: DuckDBAppender, values: (string | number | null)[], types: string[]) => {
    values.forEach((v, i) => {
      if (v === null || v === undefined) appender.appendNull();
      else if (types[i] === 'int') appender.appendInteger(Number(v));
      else if (types[i] === 'double') appender.appendDouble(Number(v));
      else appender.appendVarchar(String(v));
    });
    appender.endRow();
  };
  const types = Object.fromEntries(LAKE_TABLES.map((t) => [t.name, t.columns.map((c) => c.type)]));

  // Later exports: the codes and attributions their events need, fetched by key after the Scan.
  const byKey = !!window.from;
  const wanted = new Map<string, { pk: string; sk: string }>();
  const onItem = (item: Record<string, unknown>) => {
    const code = codeReferrer(item);
    if (code) return append(appenders.codes!, [code.code, code.referrerId], ['string', 'string']);
    const attribution = attributionReferrer(item);
    if (attribution) return append(appenders.attributions!, [attributionKey(attribution.experimentId, attribution.refereeId), attribution.referrerId], ['string', 'string']);
    const mapped = toLakeRow(item);
    if (!mapped || !(mapped.changedAt > window.from && mapped.changedAt <= window.to)) return;
    const table = LAKE_TABLES.find((t) => t.name === mapped.table)!;
    const values = table.columns.map((c) => mapped.row[c.name] ?? null);
    values.push(partitionDate(String(mapped.row[table.partitionBy])));
    const colTypes = [...types[table.name]!, 'string'];
    if (table.name === 'events') {
      const a = mapped.lookup?.attribution;
      const c = mapped.lookup?.code;
      values.push(c ?? null, a ? attributionKey(a.experimentId, a.refereeId) : null);
      colTypes.push('string', 'string');
      if (byKey && c) wanted.set(`C${c}`, keys.code(c));
      if (byKey && a) wanted.set(`A${a.experimentId}\u0000${a.refereeId}`, keys.attribution(a.experimentId, a.refereeId));
    }
    append(appenders[table.name]!, values, colTypes);
    progress.rows += 1;
  };

  await scanTable(options, window, byKey, (items, scanned) => {
    for (const raw of items) onItem(flatUnmarshall(raw));
    progress.scanned += scanned;
    report();
  });
  if (wanted.size) for (const item of await getByKey(options, [...wanted.values()])) onItem(flatUnmarshall(item));
  for (const appender of Object.values(appenders)) appender.closeSync();

  // The referrer of an event without one stored: its code's owner, or for a conversion the
  // attribution's referrer (the rule of resolveReferrer in lambdas/lake/rows.ts).
  await db.run(`CREATE TABLE out_events AS
    SELECT e.* EXCLUDE (referrer_id, code_key, attribution_key),
      COALESCE(e.referrer_id, CASE WHEN e.kind = 'CONVERSION' THEN COALESCE(a.referrer_id, c.referrer_id) ELSE COALESCE(c.referrer_id, a.referrer_id) END) AS referrer_id
    FROM stage_events e
    LEFT JOIN (SELECT code, MIN(referrer_id) AS referrer_id FROM stage_codes GROUP BY code) c ON c.code = e.code_key
    LEFT JOIN (SELECT attribution_key, MIN(referrer_id) AS referrer_id FROM stage_attributions GROUP BY attribution_key) a ON a.attribution_key = e.attribution_key`);
  await db.run('CREATE TABLE out_assignments AS SELECT * FROM stage_assignments');
  await db.run('CREATE TABLE out_rewards AS SELECT * FROM stage_rewards');
}

/**
 * Plain items from DynamoDB JSON: the flat attributes of lake items directly, anything else (an old
 * event's `result` map) through the SDK. Three times faster than unmarshall on these items, which
 * matters at 10^6 items on a machine whose cores DynamoDB Local also needs.
 */
function flatUnmarshall(item: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in item) {
    const v = item[name]!;
    if (v.S !== undefined) out[name] = v.S;
    else if (v.N !== undefined) out[name] = Number(v.N);
    else if (v.NULL) out[name] = null;
    else out[name] = convertToNative(v, { wrapNumbers: (n: string) => Number(n) });
  }
  return out;
}

/**
 * A parallel Scan. The first export (no watermark) reads every item and filters here; later ones
 * ask for the window's lake items only (`filtered`).
 */
async function scanTable(options: ExportOptions, window: ExportWindow, filtered: boolean, onPage: (items: Record<string, AttributeValue>[], scanned: number) => void) {
  const segments = options.segments ?? 4;
  const inWindow = (attr: string) => `${attr} > :from AND ${attr} <= :to`;
  const filter = {
    FilterExpression: [
      `(#entity = :assignment AND ${inWindow('#assignedAt')})`,
      `(#entity = :event AND ${inWindow('#recordedAt')})`,
      `(#entity = :reward AND ((attribute_exists(#updatedAt) AND ${inWindow('#updatedAt')}) OR (attribute_not_exists(#updatedAt) AND ${inWindow('#createdAt')})))`,
    ].join(' OR '),
    ExpressionAttributeNames: { '#entity': 'entity', '#assignedAt': 'assignedAt', '#recordedAt': 'recordedAt', '#updatedAt': 'updatedAt', '#createdAt': 'createdAt' },
    ExpressionAttributeValues: {
      ':assignment': { S: 'Assignment' },
      ':event': { S: 'Event' },
      ':reward': { S: 'Reward' },
      ':from': { S: window.from },
      ':to': { S: window.to },
    },
  };
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Record<string, AttributeValue> | undefined;
      do {
        if (options.signal?.aborted) throw new ExportInterruptedError();
        const page = await options.client.send(
          new ScanCommand({ TableName: options.tableName, Segment: segment, TotalSegments: segments, ExclusiveStartKey: start, ...(filtered ? filter : {}) }),
        );
        onPage(page.Items ?? [], page.ScannedCount ?? page.Items?.length ?? 0);
        start = page.LastEvaluatedKey;
      } while (start);
    }),
  );
}

/** Items by key, 100 per BatchGetItem, a few requests in flight, unprocessed keys asked again. */
async function getByKey(options: ExportOptions, wanted: { pk: string; sk: string }[]): Promise<Record<string, AttributeValue>[]> {
  const found: Record<string, AttributeValue>[] = [];
  const chunks: { pk: string; sk: string }[][] = [];
  for (let i = 0; i < wanted.length; i += 100) chunks.push(wanted.slice(i, i + 100));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < chunks.length) {
        let keysLeft: Record<string, AttributeValue>[] = chunks[next++]!.map((k) => ({ pk: { S: k.pk }, sk: { S: k.sk } }));
        for (let attempt = 0; keysLeft.length; attempt += 1) {
          if (options.signal?.aborted) throw new ExportInterruptedError();
          if (attempt) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
          const out = await options.client.send(new BatchGetItemCommand({ RequestItems: { [options.tableName]: { Keys: keysLeft } } }));
          found.push(...(out.Responses?.[options.tableName] ?? []));
          keysLeft = (out.UnprocessedKeys?.[options.tableName]?.Keys ?? []) as Record<string, AttributeValue>[];
        }
      }
    }),
  );
  return found;
}

async function writeFiles(
  db: DuckDBConnection,
  lakeDir: string,
  seq: number,
  progress: ExportProgress,
  report: () => void,
  signal?: AbortSignal,
): Promise<FinishedExport['files']> {
  const tmp = join(lakeDir, TMP_DIR);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const plan: { table: LakeTable; dt: string; rows: number }[] = [];
  for (const table of LAKE_TABLES) {
    const reader = await db.runAndReadAll(`SELECT ${PARTITION_COLUMN}, COUNT(*) AS n FROM out_${table.name} GROUP BY 1 ORDER BY 1`);
    for (const [dt, n] of reader.getRowsJS()) plan.push({ table, dt: String(dt), rows: Number(n) });
  }
  progress.filesTotal = plan.length;
  report();
  const files: FinishedExport['files'] = [];
  for (const { table, dt, rows } of plan) {
    if (signal?.aborted) throw new ExportInterruptedError();
    const path = `${table.name}/${PARTITION_COLUMN}=${dt}/${partFile(seq)}`;
    const temp = join(tmp, `${table.name}-${dt}-${partFile(seq)}`);
    const columns = table.columns.map((c) => (c.type === 'timestamp' ? `CAST(${c.name} AS TIMESTAMP) AS ${c.name}` : c.name)).join(', ');
    await db.run(
      `COPY (SELECT ${columns} FROM out_${table.name} WHERE ${PARTITION_COLUMN} = '${dt}' ORDER BY ${ORDER[table.name]}) ` +
        `TO '${temp.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`,
    );
    mkdirSync(join(lakeDir, table.name, `${PARTITION_COLUMN}=${dt}`), { recursive: true });
    renameSync(temp, join(lakeDir, path));
    files.push({ path, rows });
    progress.files += 1;
    report();
  }
  removeStrayParts(lakeDir, seq, new Set(files.map((f) => f.path)));
  rmSync(tmp, { recursive: true, force: true });
  return files;
}

/** A resumed export whose window now yields fewer dates drops the files it wrote the first time. */
function removeStrayParts(lakeDir: string, seq: number, keep: Set<string>) {
  for (const table of LAKE_TABLES) {
    const dir = join(lakeDir, table.name);
    if (!existsSync(dir)) continue;
    for (const part of readdirSync(dir)) {
      const path = `${table.name}/${part}/${partFile(seq)}`;
      if (!keep.has(path) && existsSync(join(lakeDir, path))) rmSync(join(lakeDir, path));
    }
  }
}
