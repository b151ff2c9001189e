// Exactly-once totals under any redelivery (issue 12).
//
// Lambda delivers DynamoDB stream records at least once, and not always with the same boundaries:
// a retry after a timeout that followed the commit, a bisected batch, or (locally) a crash between
// commit and checkpoint all hand over records that were already counted, alone or mixed with new
// ones. A marker per batch (the first round's design) only recognises the identical batch.
//
// So every counted record is made idempotent: its totals delta is committed in the same
// transaction as a marker keyed by the record's eventID (unique per stream record) under
// attribute_not_exists. A record already applied fails its marker's condition; the transaction is
// cancelled with the reason at that marker's index, and is tried again without that record. Records
// are committed in chunks (≤ 100 items per transaction: markers plus one merged update per totals
// item), so a typical batch still costs one or two transactions.
//
// Why not a per-shard high-water sequence number on the totals item: records of one shard are
// ordered, but a totals item receives records from every shard, and a Lambda stream record does not
// say which shard it came from, so a high-water mark cannot be keyed by shard; a per-item mark would
// need one per user item. Per-record markers need no shard id, and cost one small write per counted
// record (they expire after MARKER_TTL_SECONDS, long after the stream's 24-hour retention).
//
// Partial failures are reported with Powertools' batch utility (ReportBatchItemFailures): records
// are processed in order; a record whose chunk could not be committed fails, Lambda (or the local
// poller) checkpoints before the lowest failed record and retries from there, and whatever was
// committed after it is recognised by its marker. Nothing is bisected.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { PartialItemFailureResponse } from '@aws-lambda-powertools/batch/types';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { foldChange, isZero, parseDeltaKey, TOTAL_FIELDS, type Change, type Image, type Totals } from './fold.ts';

export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  dynamodb: {
    SequenceNumber: string;
    NewImage?: Record<string, AttributeValue>;
    OldImage?: Record<string, AttributeValue>;
  };
}

export interface StreamEvent {
  Records: StreamRecord[];
}

/** DynamoDB's limit of items per transaction. */
export const MAX_TRANSACTION_ITEMS = 100;
/** Markers outlive the stream's 24-hour retention with room to spare. */
export const MARKER_TTL_SECONDS = 2 * 86_400;

export interface TotalsDelta {
  experimentId: string;
  phase: number;
  variant: string;
  delta: Totals;
}

export interface CountedRecord {
  eventID: string;
  sequenceNumber: string;
  /** What this record adds (one totals item for the per-user counter items). */
  deltas: TotalsDelta[];
}

/** What committing one chunk did. */
export type ChunkOutcome =
  | { ok: true }
  /** Cancelled: `applied` lists the eventIDs whose marker already existed (counted before). */
  | { ok: false; applied: string[]; reason: string };

/** Commits the markers of `records` and the merged deltas, all or nothing. */
export type CommitChunk = (records: CountedRecord[], merged: TotalsDelta[]) => Promise<ChunkOutcome>;

const image = (raw?: Record<string, AttributeValue>) => (raw ? (unmarshall(raw) as Image) : undefined);

/** The totals deltas of one record (none for records that count nothing). */
export function deltasOf(record: StreamRecord): TotalsDelta[] {
  const deltas = new Map<string, Totals>();
  const change: Change = { eventName: record.eventName, oldImage: image(record.dynamodb.OldImage), newImage: image(record.dynamodb.NewImage) };
  foldChange(change, deltas);
  return [...deltas].filter(([, d]) => !isZero(d)).map(([key, delta]) => ({ ...parseDeltaKey(key), delta }));
}

/** The deltas of several records, merged into one per totals item. */
export function mergeDeltas(records: readonly CountedRecord[]): TotalsDelta[] {
  const merged = new Map<string, TotalsDelta>();
  for (const r of records) {
    for (const d of r.deltas) {
      const key = `${d.experimentId}|${d.phase}|${d.variant}`;
      const into = merged.get(key);
      if (!into) merged.set(key, { ...d, delta: { ...d.delta } });
      else for (const f of TOTAL_FIELDS) into.delta[f] += d.delta[f];
    }
  }
  return [...merged.values()].filter((d) => !isZero(d.delta));
}

/** Consecutive counted records in chunks whose markers plus merged updates fit one transaction. */
export function planChunks(records: readonly CountedRecord[]): CountedRecord[][] {
  const chunks: CountedRecord[][] = [];
  let chunk: CountedRecord[] = [];
  let items = new Set<string>();
  for (const r of records) {
    const next = new Set(items);
    for (const d of r.deltas) next.add(`${d.experimentId}|${d.phase}|${d.variant}`);
    if (chunk.length > 0 && chunk.length + 1 + next.size > MAX_TRANSACTION_ITEMS) {
      chunks.push(chunk);
      chunk = [];
      items = new Set(r.deltas.map((d) => `${d.experimentId}|${d.phase}|${d.variant}`));
    } else items = next;
    chunk.push(r);
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}

/** Commits a chunk, dropping records whose marker shows they were counted before, until it goes through. */
export async function commitOnce(chunk: CountedRecord[], commit: CommitChunk): Promise<void> {
  let pending = chunk;
  while (pending.length > 0) {
    const outcome = await commit(pending, mergeDeltas(pending));
    if (outcome.ok) return;
    const applied = new Set(outcome.applied);
    if (applied.size === 0) throw new Error(`totals transaction cancelled: ${outcome.reason}`);
    pending = pending.filter((r) => !applied.has(r.eventID));
  }
}

export interface AggregateOutcome {
  response: PartialItemFailureResponse;
  /** Experiments whose totals this invocation changed (to publish live counts for). */
  experiments: string[];
}

/**
 * Applies a batch exactly once per record and reports the records that could not be committed
 * (Powertools' partial batch response).
 */
export async function aggregateOnce(event: StreamEvent, commit: CommitChunk): Promise<AggregateOutcome> {
  const counted = event.Records.map((r) => ({ eventID: r.eventID, sequenceNumber: r.dynamodb.SequenceNumber, deltas: deltasOf(r) })).filter((r) => r.deltas.length > 0);
  const chunkOf = new Map<string, () => Promise<void>>();
  for (const chunk of planChunks(counted)) {
    let done: Promise<void> | undefined;
    // Committed lazily, when the processor reaches the chunk's first record: records keep their order.
    const run = () => (done ??= commitOnce(chunk, commit));
    for (const r of chunk) chunkOf.set(r.eventID, run);
  }
  const experiments = new Set<string>();
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const response = await processPartialResponse(
    // Powertools types records with aws-lambda's AttributeValue; the shape is the same.
    event as unknown as { Records: DynamoDBRecord[] },
    async (record: StreamRecord) => {
      const run = chunkOf.get(record.eventID);
      if (!run) return; // counts nothing
      await run();
      for (const d of counted.find((c) => c.eventID === record.eventID)!.deltas) experiments.add(d.experimentId);
    },
    processor,
    { processInParallel: false, throwOnFullBatchFailure: false },
  );
  return { response, experiments: [...experiments] };
}
