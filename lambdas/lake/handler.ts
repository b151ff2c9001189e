// The event lake's feed on AWS: a second consumer of the table's stream that maps each new or
// changed item to its lake row (lambdas/lake/rows.ts, the same mapping as the local export) and
// puts the rows into one Amazon Data Firehose stream per lake table; Firehose converts the JSON to
// Parquet with the Glue table's schema and writes `<table>/dt=YYYY-MM-DD/` in S3.
//
// Rows whose columns did not change (an assignment's counters moving, a replay) are not sent. Puts
// that Firehose refuses are retried; a record whose rows still fail is reported as the batch's
// first failure, so Lambda retries from there (rows before it are not sent again).
import { BatchGetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { FirehoseClient, PutRecordBatchCommand, type _Record } from '@aws-sdk/client-firehose';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { getConfig, getDynamoDb } from '../shared/config.ts';
import { attributionKey, toLakeRow, resolveReferrer, type MappedRow } from './rows.ts';
import { lakeTable } from './schema.ts';

interface StreamRecord {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  dynamodb: { SequenceNumber: string; NewImage?: Record<string, AttributeValue>; OldImage?: Record<string, AttributeValue> };
}

export interface LakeFeedResult {
  batchItemFailures: { itemIdentifier: string }[];
}

const firehose = new FirehoseClient({});
const PUT_LIMIT = 500; // PutRecordBatch: at most 500 records per call
const RETRIES = 3;

/** Environment: one delivery stream name per lake table. */
function streamName(table: string): string {
  const name = process.env[`LAKE_STREAM_${table.toUpperCase()}`];
  if (!name) throw new Error(`Environment variable LAKE_STREAM_${table.toUpperCase()} is required but not set`);
  return name;
}

/** Firehose's Hive JSON deserializer reads timestamps given as epoch milliseconds ("millis"). */
export function firehoseJson(mapped: MappedRow): string {
  const table = lakeTable(mapped.table);
  const out: Record<string, unknown> = {};
  for (const c of table.columns) {
    const v = mapped.row[c.name] ?? null;
    out[c.name] = c.type === 'timestamp' && typeof v === 'string' ? Date.parse(v) : v;
  }
  return `${JSON.stringify(out)}\n`;
}

/** The rows a stream record adds to the lake: none for removals (TTL) or unchanged rows. */
export function rowsOf(record: StreamRecord): MappedRow | null {
  if (record.eventName === 'REMOVE' || !record.dynamodb.NewImage) return null;
  const next = toLakeRow(unmarshall(record.dynamodb.NewImage));
  if (!next) return null;
  if (record.eventName === 'MODIFY' && record.dynamodb.OldImage) {
    const before = toLakeRow(unmarshall(record.dynamodb.OldImage));
    if (before && before.changedAt === next.changedAt && JSON.stringify(before.row) === JSON.stringify(next.row)) return null;
  }
  return next;
}

/** Referrers of events that do not store one: code items and attributions, read in batches of 100. */
async function resolveReferrers(rows: MappedRow[]): Promise<void> {
  const codes = new Map<string, string>();
  const attributions = new Map<string, string>();
  const wanted = new Map<string, { pk: string; sk: string }>();
  for (const r of rows) {
    if (r.row.referrer_id || !r.lookup) continue;
    if (r.lookup.code) wanted.set(`CODE#${r.lookup.code}`, { pk: `CODE#${r.lookup.code}`, sk: 'CODE' });
    const a = r.lookup.attribution;
    if (a) wanted.set(`EXP#${a.experimentId}#REF#${a.refereeId}`, { pk: `EXP#${a.experimentId}#REF#${a.refereeId}`, sk: 'ATTR' });
  }
  const keys = [...wanted.values()];
  // AWS only (not hosted locally): its environment is the real one.
  const config = getConfig(process.env);
  const { tableName } = config;
  for (let i = 0; i < keys.length; i += 100) {
    let request: Record<string, { Keys: Record<string, AttributeValue>[] }> | undefined = { [tableName]: { Keys: keys.slice(i, i + 100).map((k) => marshall(k)) } };
    while (request && Object.keys(request).length) {
      const out = await getDynamoDb(config).send(new BatchGetItemCommand({ RequestItems: request }));
      for (const raw of out.Responses?.[tableName] ?? []) {
        const item = unmarshall(raw);
        if (typeof item.referrerId !== 'string') continue;
        if (String(item.pk).startsWith('CODE#')) codes.set(String(item.pk).slice(5), item.referrerId);
        else if (item.entity === 'Attribution') {
          const [, experimentId, , refereeId] = /^EXP#(.+)#REF#(.+)$/.exec(String(item.pk)) ?? [];
          if (experimentId && refereeId) attributions.set(attributionKey(experimentId, refereeId), item.referrerId);
        }
      }
      request = out.UnprocessedKeys as typeof request;
    }
  }
  for (const r of rows) resolveReferrer(r, (c) => codes.get(c), (k) => attributions.get(k));
}

/** Puts records, retrying the ones Firehose refuses; returns the indexes that still failed. */
async function put(stream: string, records: _Record[]): Promise<number[]> {
  let pending = records.map((_, i) => i);
  for (let attempt = 0; attempt <= RETRIES && pending.length; attempt += 1) {
    const failed: number[] = [];
    for (let i = 0; i < pending.length; i += PUT_LIMIT) {
      const chunk = pending.slice(i, i + PUT_LIMIT);
      const out = await firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: chunk.map((k) => records[k]!) }));
      out.RequestResponses?.forEach((r, j) => r.ErrorCode && failed.push(chunk[j]!));
    }
    pending = failed;
    if (pending.length) await new Promise((done) => setTimeout(done, 100 * 2 ** attempt));
  }
  return pending;
}

export async function handler(event: { Records: StreamRecord[] }): Promise<LakeFeedResult> {
  const mapped = event.Records.map((record) => ({ record, row: rowsOf(record) }));
  await resolveReferrers(mapped.flatMap((m) => (m.row ? [m.row] : [])));
  const byTable = new Map<string, { index: number; data: _Record }[]>();
  mapped.forEach((m, index) => {
    if (!m.row) return;
    const list = byTable.get(m.row.table) ?? [];
    list.push({ index, data: { Data: new TextEncoder().encode(firehoseJson(m.row)) } });
    byTable.set(m.row.table, list);
  });
  let firstFailure = Infinity;
  for (const [table, rows] of byTable) {
    const failed = await put(streamName(table), rows.map((r) => r.data));
    for (const i of failed) firstFailure = Math.min(firstFailure, rows[i]!.index);
  }
  if (firstFailure === Infinity) return { batchItemFailures: [] };
  return { batchItemFailures: [{ itemIdentifier: event.Records[firstFailure]!.dynamodb.SequenceNumber }] };
}
