// Exactly-once folding of stream records under any redelivery Lambda makes (issues 12 and 16).
//
// Lambda delivers DynamoDB stream records at least once: a retry after a timeout that followed the
// commit, a bisected batch, a partial-batch retry, or (locally) a crash between commit and
// checkpoint hand over records that were already applied, alone or mixed with new ones. But a
// delivery always starts right after a checkpoint, and a checkpoint is only ever written after
// records the handler reported as done.
//
// Issue 12 guarded every record with its own marker item in the commit transaction: 2 WCU per
// record on top of its event. Issue 16 guards chunks instead. Work records (those that move totals
// or a referrer) are committed in chunks of ≤ 100 transaction items; each chunk's transaction
// holds ONE marker, keyed by a hash of the chunk's first work record and listing the hashes of
// every work record it applied. On (re)delivery, at each chunk start the marker of that record is
// read: present, its listed records are skipped; absent, the next chunk is committed with its
// marker. A delivery that ends inside a chunk committed earlier (a shorter retry, a bisected half)
// writes a continuation marker keyed by the next record the chunk lists, so the delivery that
// starts there (after the checkpoint) skips the rest of it. Records are processed in order and the
// first chunk that cannot be committed fails with everything after it (Powertools' partial batch
// response), so the applied records of a shard are always a prefix: a retry starts at a chunk's
// first record or at an unapplied one. Markers expire after MARKER_TTL_SECONDS, long after the
// stream's 24-hour retention.
//
// What a chunk commits, all or nothing: the marker, one update per (experiment, phase, variant)
// totals item, one update per referrer its counted events touched (absolute values computed from
// the item as read, conditioned on its `frev`; see referrer-fold.ts) and the reward items those
// events earned. A referrer changed since it was read (another shard's aggregator) cancels the
// transaction; the chunk is read and planned again.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { PartialItemFailureResponse } from '@aws-lambda-powertools/batch/types';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import type { Experiment } from '../domain/experiment.ts';
import { deltaKey, foldChange, isZero, parseDeltaKey, TOTAL_FIELDS, type Change, type Image, type Totals } from './fold.ts';
import { applyEvent, countedEventOf, FOLD_REV, FOLDED_FIELDS, rewardItem, type CountedEvent } from './referrer-fold.ts';

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
/** Rounds of read-plan-commit of one chunk whose referrers keep changing under it. */
const MAX_ROUNDS = 6;

export interface TotalsDelta {
  experimentId: string;
  phase: number;
  variant: string;
  delta: Totals;
}

type Item = Record<string, unknown>;

/** One referrer's counters item: as read, and as the chunk leaves it. */
export interface ReferrerWrite {
  experimentId: string;
  userId: string;
  read: Item;
  next: Item;
}

export interface ChunkWrite {
  /** Hash of the chunk's first work record (the marker's key) and of every record it applies. */
  markerId: string;
  ids: string[];
  deltas: TotalsDelta[];
  referrers: ReferrerWrite[];
  rewards: Item[];
}

export type ChunkOutcome =
  | { ok: true }
  /** Cancelled: the marker existed, a referrer changed since read, or these rewards exist already. */
  | { ok: false; markerExists: boolean; staleReferrers: boolean; existingRewards: number[]; reason: string };

/** What the fold reads and writes (lambdas/store/stores.ts implements it on the table). */
export interface FoldBackend {
  marker(markerId: string): Promise<string[] | undefined>;
  putContinuation(markerId: string, ids: string[]): Promise<void>;
  applyChunk(chunk: ChunkWrite): Promise<ChunkOutcome>;
  referrer(experimentId: string, userId: string): Promise<Item | undefined>;
  experiment(experimentId: string): Promise<Experiment | null>;
}

/** A record's short, stable name in markers (72 bits of SHA-256 of its eventID). */
export const recordHash = (eventID: string): string => createHash('sha256').update(eventID).digest('base64url').slice(0, 12);

const image = (raw?: Record<string, AttributeValue>) => (raw ? (unmarshall(raw) as Image) : undefined);

/** The totals deltas of one record read from its images alone (none for records that count nothing). */
export function deltasOf(record: StreamRecord): TotalsDelta[] {
  const deltas = new Map<string, Totals>();
  const change: Change = { eventName: record.eventName, oldImage: image(record.dynamodb.OldImage), newImage: image(record.dynamodb.NewImage) };
  foldChange(change, deltas);
  return [...deltas].filter(([, d]) => !isZero(d)).map(([key, delta]) => ({ ...parseDeltaKey(key), delta }));
}

/** Deltas merged into one per totals item. */
export function mergeDeltas(deltas: readonly TotalsDelta[]): TotalsDelta[] {
  const merged = new Map<string, TotalsDelta>();
  for (const d of deltas) {
    const key = deltaKey(d.experimentId, d.phase, d.variant);
    const into = merged.get(key);
    if (!into) merged.set(key, { ...d, delta: { ...d.delta } });
    else for (const f of TOTAL_FIELDS) into.delta[f] += d.delta[f];
  }
  return [...merged.values()].filter((d) => !isZero(d.delta));
}

interface Work {
  record: StreamRecord;
  hash: string;
  deltas: TotalsDelta[];
  event: CountedEvent | null;
}

function workOf(record: StreamRecord): Work | null {
  const deltas = deltasOf(record);
  const event = record.eventName === 'INSERT' ? countedEventOf(image(record.dynamodb.NewImage) as Item | undefined) : null;
  return deltas.length || event ? { record, hash: recordHash(record.eventID), deltas, event } : null;
}

const referrerKey = (experimentId: string, userId: string) => `${experimentId}\u0000${userId}`;
const phaseOf = (item: Item) => (typeof item.phase === 'number' && Number.isInteger(item.phase) && item.phase >= 1 ? item.phase : 1);

/**
 * Reads what the work records from `start` need and plans the longest chunk that fits one
 * transaction. `skipRewards` names rewards found to exist already (never granted twice).
 */
async function planChunk(work: Work[], start: number, backend: FoldBackend, skipRewards: Set<string>): Promise<{ chunk: ChunkWrite; length: number; experiments: Set<string> }> {
  const referrers = new Map<string, ReferrerWrite>();
  const experiments = new Map<string, Experiment | null>();
  const totalsKeys = new Set<string>();
  const deltas: TotalsDelta[] = [];
  const rewards: Item[] = [];
  const touched = new Set<string>();
  const now = new Date().toISOString();
  let length = 0;
  for (let i = start; i < work.length; i += 1) {
    const w = work[i]!;
    const keysAfter = new Set(totalsKeys);
    for (const d of w.deltas) keysAfter.add(deltaKey(d.experimentId, d.phase, d.variant));
    let write: ReferrerWrite | undefined;
    let nextItem: Item | undefined;
    let grants: Item[] = [];
    if (w.event) {
      const e = w.event;
      const key = referrerKey(e.experimentId, e.referrerId);
      write = referrers.get(key);
      if (!write) {
        const read = await backend.referrer(e.experimentId, e.referrerId);
        // No counters item (the assignment is gone): nothing to apply the event to.
        if (read) write = { experimentId: e.experimentId, userId: e.referrerId, read, next: { ...read } };
      }
      if (write) {
        if (!experiments.has(e.experimentId)) experiments.set(e.experimentId, await backend.experiment(e.experimentId));
        nextItem = { ...write.next };
        grants = applyEvent(nextItem, e, experiments.get(e.experimentId)!)
          .map((g) => rewardItem(e, g, now))
          .filter((r) => !skipRewards.has(`${r.pk as string}|${r.sk as string}`));
        keysAfter.add(deltaKey(e.experimentId, phaseOf(write.read), String(write.read.variant)));
      }
    }
    const referrerCount = referrers.size + (write && !referrers.has(referrerKey(write.experimentId, write.userId)) ? 1 : 0);
    const items = 1 + keysAfter.size + referrerCount + rewards.length + grants.length;
    if (length > 0 && items > MAX_TRANSACTION_ITEMS) break;
    length += 1;
    for (const k of keysAfter) totalsKeys.add(k);
    deltas.push(...w.deltas);
    for (const d of w.deltas) touched.add(d.experimentId);
    if (write && nextItem) {
      write.next = nextItem;
      referrers.set(referrerKey(write.experimentId, write.userId), write);
      rewards.push(...grants);
      touched.add(write.experimentId);
    }
  }
  const changed = [...referrers.values()].filter((r) => FOLDED_FIELDS.some((f) => r.next[f] !== r.read[f]));
  for (const r of changed) {
    r.next[FOLD_REV] = (typeof r.read[FOLD_REV] === 'number' ? (r.read[FOLD_REV] as number) : 0) + 1;
    // The totals move by exactly what this write does to the item (old and new image, as the stream would show it).
    const moved = new Map<string, Totals>();
    foldChange({ eventName: 'MODIFY', oldImage: { ...r.read, frev: 0 } as Image, newImage: { ...r.next, frev: 0 } as Image }, moved);
    for (const [key, delta] of moved) if (!isZero(delta)) deltas.push({ ...parseDeltaKey(key), delta });
  }
  const ids = work.slice(start, start + length).map((w) => w.hash);
  return { chunk: { markerId: ids[0]!, ids, deltas: mergeDeltas(deltas), referrers: changed, rewards }, length, experiments: touched };
}

/** Commits the chunk starting at `start`; returns how many work records it applied (or skipped as applied). */
async function commitChunk(work: Work[], start: number, backend: FoldBackend, experiments: Set<string>): Promise<number> {
  const skipRewards = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const { chunk, length, experiments: touched } = await planChunk(work, start, backend, skipRewards);
    const outcome = await backend.applyChunk(chunk);
    if (outcome.ok) {
      for (const e of touched) experiments.add(e);
      return length;
    }
    if (outcome.markerExists) return -1; // committed meanwhile by another delivery: the caller reads its marker
    for (const i of outcome.existingRewards) skipRewards.add(`${chunk.rewards[i]!.pk as string}|${chunk.rewards[i]!.sk as string}`);
    if (!outcome.staleReferrers && outcome.existingRewards.length === 0) throw new Error(`aggregate transaction cancelled: ${outcome.reason}`);
  }
  throw new Error('aggregate chunk kept conflicting with concurrent writers of the same referrers');
}

export interface AggregateOutcome {
  response: PartialItemFailureResponse;
  /** Experiments whose totals this invocation changed (to publish live counts for). */
  experiments: string[];
}

/**
 * Applies a delivery exactly once per record and reports, from the first chunk that could not be
 * committed on, the records to retry (Powertools' partial batch response).
 */
export async function aggregateOnce(event: StreamEvent, backend: FoldBackend): Promise<AggregateOutcome> {
  const work: Work[] = [];
  for (const r of event.Records) {
    const w = workOf(r);
    if (w) work.push(w);
  }
  const experiments = new Set<string>();
  let failedAt: string | undefined;
  let failure: unknown;
  for (let i = 0; i < work.length; ) {
    try {
      const listed = await backend.marker(work[i]!.hash);
      if (listed) {
        let k = 0;
        while (i < work.length && k < listed.length && work[i]!.hash === listed[k]) {
          i += 1;
          k += 1;
        }
        // The delivery ends inside a chunk committed before: the next one starts at listed[k].
        if (i === work.length && k < listed.length) await backend.putContinuation(listed[k]!, listed.slice(k));
        else if (k < listed.length) throw new Error(`stream record ${work[i]!.record.eventID} is not the one chunk ${listed[0]} lists next`);
        continue;
      }
      const applied = await commitChunk(work, i, backend, experiments);
      if (applied > 0) i += applied;
    } catch (error) {
      failedAt = work[i]!.record.eventID;
      failure = error;
      break;
    }
  }
  let failing = false;
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const response = await processPartialResponse(
    // Powertools types records with aws-lambda's AttributeValue; the shape is the same.
    event as unknown as { Records: DynamoDBRecord[] },
    async (record: StreamRecord) => {
      // Everything from the first record that could not be committed is retried, in order.
      if (record.eventID === failedAt) failing = true;
      if (failing) throw failure instanceof Error ? failure : new Error(String(failure));
    },
    processor,
    { processInParallel: false, throwOnFullBatchFailure: false },
  );
  return { response, experiments: [...experiments] };
}
