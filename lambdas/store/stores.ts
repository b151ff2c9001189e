// One small store per entity. Handlers receive them in their context (context.ts) and never build
// a key or an item themselves: the keys and item shapes are the table model in model/, shared with
// the JS resolvers. dynamoStores() is the real implementation; memory.ts holds an in-memory one for
// unit tests of handlers.
import { emptyTotals, TOTAL_FIELDS, type Totals } from '../aggregate/fold.ts';
import type { Experiment } from '../domain/experiment.ts';
import type { AssignmentItem } from '../../model/assignment.ts';
import { experimentFromItem, experimentItem, isExperimentItem } from '../../model/experiment.ts';
import { ANALYSIS_SK, EXPERIMENT_SK, keys } from '../../model/keys.ts';
import { isAggregateItem } from '../../model/live-counts.ts';
import { isCodeItem, type CodeItem } from '../../model/referral-code.ts';
import { numberForWrite, transactWriteRetryingConflicts, type Item, type Key, type Table, type TransactItem, type TransactOutcome } from './table.ts';
import { FOLD_REV, FOLDED_FIELDS } from '../aggregate/referrer-fold.ts';
import type { ChunkOutcome, ChunkWrite, TotalsDelta } from '../aggregate/exactlyOnce.ts';

export interface ExperimentStore {
  /**
   * Stops: replaces the experiment (version-checked) and stores the frozen readout of each phase,
   * all or nothing; false when the version changed.
   */
  replaceWithReadouts(next: Experiment, expectedVersion: number, readouts: { phase: number; readout: unknown }[]): Promise<boolean>;
  /** The experiment through the one projection (model/experiment.ts), or null. */
  get(id: string, options?: { consistentRead?: boolean }): Promise<Experiment | null>;
  /** Stores a new experiment; false when the id exists. */
  create(experiment: Experiment): Promise<boolean>;
  /** Replaces the experiment only if its stored version is still `expectedVersion`. */
  replace(next: Experiment, expectedVersion: number): Promise<boolean>;
}

export interface AssignmentStore {
  get(experimentId: string, userId: string): Promise<AssignmentItem | null>;
  /** First write wins: false when the user already has an assignment. */
  create(item: AssignmentItem): Promise<boolean>;
}

/** Referral codes, raw events and attributions (the events Lambda). */
export interface ReferralStore {
  code(code: string): Promise<CodeItem | null>;
  /** An event item by its eventId, or at `key` (an event stored at its referee's key: a signup, a first conversion). */
  event(experimentId: string, eventId: string, key?: Key): Promise<Item | undefined>;
  attribution(experimentId: string, refereeId: string): Promise<Item | undefined>;
  /** A user's assignment item as stored (with the referrer's counters and rule state), consistent unless told. */
  counters(experimentId: string, userId: string, consistentRead?: boolean): Promise<Item | undefined>;
  /** One reward of the ledger (model/keys.ts `reward`). */
  reward(userId: string, experimentId: string, rewardId: string): Promise<Item | undefined>;
  /** Writes an event item unless one with its key exists; false for a repeat. */
  putNewEvent(item: Item): Promise<boolean>;
  /** All-or-nothing write, retried on transaction conflicts. */
  transact(items: () => TransactItem[]): Promise<TransactOutcome>;
}

export interface ExperimentPartition {
  experiment: Experiment;
  /** Totals keyed by totalsKey(phase, variant). */
  totals: Map<string, Totals>;
  /** The frozen readouts of a stopped experiment, by phase. */
  readouts: Map<number, unknown>;
  /** The newest write among the totals (or the experiment's own update). */
  updatedAt: string;
  /** The scheduled analysis' state item (sk ANALYSIS), absent before its first run. */
  analysis?: Item;
}

/** What committing one chunk of stream records did (see lambdas/aggregate/exactlyOnce.ts). */
export type { ChunkOutcome, ChunkWrite, TotalsDelta } from '../aggregate/exactlyOnce.ts';

/** Per-variant totals (the aggregator writes them, results and live counts read them). */
export interface TotalsStore {
  /** The experiment and its totals in one Query of its partition; null when there is no experiment. */
  readPartition(experimentId: string): Promise<ExperimentPartition | null>;
  /** The record hashes a committed chunk's marker lists, or undefined (see lambdas/aggregate/exactlyOnce.ts). */
  chunkMarker(markerId: string): Promise<string[] | undefined>;
  /** A marker for the rest of a committed chunk, keyed by the next record it lists (a plain put). */
  putContinuation(markerId: string, ids: string[]): Promise<void>;
  /**
   * One transaction: the chunk's marker (new), the totals deltas, the referrers' counters (as
   * computed, conditioned on what was read) and the reward items (new); all or nothing.
   */
  applyChunk(chunk: ChunkWrite): Promise<ChunkOutcome>;
}

export interface Stores {
  experiments: ExperimentStore;
  assignments: AssignmentStore;
  referrals: ReferralStore;
  totals: TotalsStore;
}

const NEW_ITEM = { expression: 'attribute_not_exists(pk)' };

export const totalsKey = (phase: number, variant: string): string => `${phase}#${variant}`;

/** A variant's totals in one phase, or summed over every phase when `phase` is omitted. */
export function totalsOf(partition: ExperimentPartition, variant: string, phase?: number): Totals {
  if (phase !== undefined) return partition.totals.get(totalsKey(phase, variant)) ?? emptyTotals();
  const sum = emptyTotals();
  for (const [key, t] of partition.totals) {
    if (key.slice(key.indexOf('#') + 1) !== variant) continue;
    for (const f of TOTAL_FIELDS) sum[f] += t[f];
  }
  return sum;
}

/** Markers outlive the stream's 24-hour retention with room to spare. */
const MARKER_TTL_SECONDS = 2 * 86_400;

function totalsUpdate(d: TotalsDelta, now: string): TransactItem {
  const fields = TOTAL_FIELDS.filter((f) => d.delta[f] !== 0);
  const names: Record<string, string> = { '#updatedAt': 'updatedAt', '#entity': 'entity', '#exp': 'experimentId', '#variant': 'variant', '#phase': 'phase' };
  const values: Record<string, unknown> = { ':now': now, ':entity': 'Aggregate', ':exp': d.experimentId, ':variant': d.variant, ':phase': d.phase };
  fields.forEach((f, i) => {
    names[`#t${i}`] = f;
    values[`:t${i}`] = numberForWrite(d.delta[f]);
  });
  const add = fields.map((_, i) => `#t${i} :t${i}`).join(', ');
  return {
    update: keys.aggregate(d.experimentId, d.phase, d.variant),
    expression: `SET #updatedAt = :now, #entity = :entity, #exp = :exp, #variant = :variant, #phase = :phase${add ? ` ADD ${add}` : ''}`,
    names,
    values,
  };
}

/**
 * The aggregator's write of a referrer's counters: the folded fields as computed (absolute values)
 * and `frev` + 1, conditioned on the `frev` and `rewardCost` it read (revokeReward moves the latter
 * without the aggregator), so a concurrent change sends the chunk round again.
 */
function referrerWrite(experimentId: string, userId: string, read: Item, next: Item): TransactItem {
  const names: Record<string, string> = { '#frev': FOLD_REV };
  const values: Record<string, unknown> = { ':frev': next[FOLD_REV] };
  const sets = ['#frev = :frev'];
  const removes: string[] = [];
  FOLDED_FIELDS.forEach((f, i) => {
    if (next[f] === read[f]) return;
    names[`#f${i}`] = f;
    if (next[f] === undefined) removes.push(`#f${i}`);
    else {
      values[`:f${i}`] = typeof next[f] === 'number' ? numberForWrite(next[f] as number) : next[f];
      sets.push(`#f${i} = :f${i}`);
    }
  });
  const condNames: Record<string, string> = { '#frev': FOLD_REV, '#cost': 'rewardCost' };
  const condValues: Record<string, unknown> = {};
  const readRev = typeof read[FOLD_REV] === 'number' ? (read[FOLD_REV] as number) : undefined;
  let condition = `attribute_exists(pk) AND ${readRev === undefined ? 'attribute_not_exists(#frev)' : '#frev = :readRev'}`;
  if (readRev !== undefined) condValues[':readRev'] = readRev;
  if (typeof read.rewardCost === 'number') {
    condition += ' AND #cost = :readCost';
    condValues[':readCost'] = read.rewardCost;
  } else condition += ' AND attribute_not_exists(#cost)';
  return {
    update: keys.assignment(experimentId, userId),
    expression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    names,
    values,
    condition: { expression: condition, names: condNames, values: condValues },
  };
}

export function dynamoStores(table: Table): Stores {
  return {
    experiments: {
      async get(id, options) {
        const item = await table.get(keys.experiment(id), options?.consistentRead ?? true);
        return isExperimentItem(item) ? experimentFromItem<Experiment>(item) : null;
      },
      create: (experiment) => table.put(experimentItem(experiment), NEW_ITEM),
      async replaceWithReadouts(next, expectedVersion, readouts) {
        const outcome = await transactWriteRetryingConflicts(table, () => [
          {
            put: experimentItem(next),
            condition: { expression: 'attribute_exists(pk) AND #version = :expected', names: { '#version': 'version' }, values: { ':expected': expectedVersion } },
          },
          ...readouts.map(({ phase, readout }) => ({
            put: { ...keys.finalResults(next.id, phase), entity: 'FinalResults', experimentId: next.id, phase, readout: JSON.stringify(readout) },
          })),
        ]);
        if (outcome.ok) return true;
        if (outcome.reasons[0] === 'ConditionalCheckFailed') return false;
        throw new Error(`stop transaction cancelled: ${outcome.reasons.join(', ')}`);
      },
      // One write unit per KB; the condition makes concurrent edits fail instead of overwriting.
      replace: (next, expectedVersion) =>
        table.put(experimentItem(next), {
          expression: 'attribute_exists(pk) AND #version = :expected',
          names: { '#version': 'version' },
          values: { ':expected': expectedVersion },
        }),
    },
    assignments: {
      async get(experimentId, userId) {
        return ((await table.get(keys.assignment(experimentId, userId))) as AssignmentItem | undefined) ?? null;
      },
      create: (item) => table.put({ ...item }, NEW_ITEM),
    },
    referrals: {
      async code(code) {
        const item = await table.get(keys.code(code), false);
        return isCodeItem(item) ? item : null;
      },
      event: (experimentId, eventId, key) => table.get(key ?? keys.event(experimentId, eventId)),
      attribution: (experimentId, refereeId) => table.get(keys.attribution(experimentId, refereeId)),
      counters: (experimentId, userId, consistentRead = true) => table.get(keys.assignment(experimentId, userId), consistentRead),
      reward: (userId, experimentId, rewardId) => table.get(keys.reward(userId, experimentId, rewardId)),
      putNewEvent: (item) => table.put(item, NEW_ITEM),
      transact: (items) => transactWriteRetryingConflicts(table, items),
    },
    totals: {
      async readPartition(experimentId) {
        const items = await table.queryPartition(keys.experimentPartition(experimentId));
        const meta = items.find((i) => i.sk === EXPERIMENT_SK);
        if (!isExperimentItem(meta)) return null;
        const experiment = experimentFromItem<Experiment>(meta);
        const totals = new Map<string, Totals>();
        const readouts = new Map<number, unknown>();
        let updatedAt = experiment.updatedAt;
        for (const item of items) {
          if (item.entity === 'FinalResults' && typeof item.readout === 'string') readouts.set(item.phase as number, JSON.parse(item.readout));
          if (!isAggregateItem(item)) continue;
          const t = emptyTotals();
          for (const f of TOTAL_FIELDS) t[f] = typeof item[f] === 'number' ? (item[f] as number) : 0;
          // Items written before phases (AGG#<variant>, no phase attribute) are phase 1's.
          totals.set(totalsKey(typeof item.phase === 'number' ? item.phase : 1, item.variant as string), t);
          const written = item.updatedAt as string | undefined;
          if (written && written > updatedAt) updatedAt = written;
        }
        const analysis = items.find((i) => i.sk === ANALYSIS_SK);
        return { experiment, totals, readouts, updatedAt, ...(analysis ? { analysis } : {}) };
      },
      async chunkMarker(markerId) {
        const item = await table.get(keys.aggregateChunk(markerId));
        return Array.isArray(item?.ids) ? (item.ids as string[]) : undefined;
      },
      async putContinuation(markerId, ids) {
        const expiresAt = Math.floor(Date.now() / 1000) + MARKER_TTL_SECONDS;
        await table.put({ ...keys.aggregateChunk(markerId), entity: 'AggregateChunk', ids, expiresAt }, NEW_ITEM);
      },
      async applyChunk(chunk) {
        const now = new Date().toISOString();
        const expiresAt = Math.floor(Date.now() / 1000) + MARKER_TTL_SECONDS;
        const referrers = chunk.referrers.map((r) => referrerWrite(r.experimentId, r.userId, r.read, r.next));
        const outcome = await transactWriteRetryingConflicts(table, () => [
          { put: { ...keys.aggregateChunk(chunk.markerId), entity: 'AggregateChunk', ids: chunk.ids, expiresAt }, condition: NEW_ITEM },
          ...chunk.deltas.map((d) => totalsUpdate(d, now)),
          ...referrers,
          ...chunk.rewards.map((put) => ({ put, condition: NEW_ITEM })),
        ]);
        if (outcome.ok) return { ok: true };
        const at = (i: number) => outcome.reasons[i] === 'ConditionalCheckFailed';
        const first = 1 + chunk.deltas.length;
        const rewardsFrom = first + referrers.length;
        return {
          ok: false,
          markerExists: at(0),
          staleReferrers: referrers.some((_, i) => at(first + i)),
          existingRewards: chunk.rewards.map((_, i) => i).filter((i) => at(rewardsFrom + i)),
          reason: outcome.reasons.filter((r) => r && r !== 'None').join(', '),
        };
      },
    },
  };
}
