// One small store per entity. Handlers receive them in their context (context.ts) and never build
// a key or an item themselves: the keys and item shapes are the table model in model/, shared with
// the JS resolvers. dynamoStores() is the real implementation; memory.ts holds an in-memory one for
// unit tests of handlers.
import { emptyTotals, TOTAL_FIELDS, type Totals } from '../aggregate/fold.ts';
import type { Experiment } from '../domain/experiment.ts';
import type { AssignmentItem } from '../../model/assignment.ts';
import { experimentFromItem, experimentItem, isExperimentItem } from '../../model/experiment.ts';
import { EXPERIMENT_SK, keys } from '../../model/keys.ts';
import { isAggregateItem } from '../../model/live-counts.ts';
import { isCodeItem, type CodeItem } from '../../model/referral-code.ts';
import { transactWriteRetryingConflicts, type Item, type Table, type TransactItem, type TransactOutcome } from './table.ts';

export interface ExperimentStore {
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
  event(experimentId: string, eventId: string): Promise<Item | undefined>;
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
  totals: Map<string, Totals>;
  /** The newest write among the totals (or the experiment's own update). */
  updatedAt: string;
}

/** Per-variant totals (the aggregator writes them, results and live counts read them). */
export interface TotalsStore {
  /** The experiment and its totals in one Query of its partition; null when there is no experiment. */
  readPartition(experimentId: string): Promise<ExperimentPartition | null>;
  /** All-or-nothing write, retried on transaction conflicts. */
  transact(items: () => TransactItem[]): Promise<TransactOutcome>;
}

export interface Stores {
  experiments: ExperimentStore;
  assignments: AssignmentStore;
  referrals: ReferralStore;
  totals: TotalsStore;
}

const NEW_ITEM = { expression: 'attribute_not_exists(pk)' };

export function totalsOf(partition: ExperimentPartition, variant: string): Totals {
  return partition.totals.get(variant) ?? emptyTotals();
}

export function dynamoStores(table: Table): Stores {
  return {
    experiments: {
      async get(id, options) {
        const item = await table.get(keys.experiment(id), options?.consistentRead ?? true);
        return isExperimentItem(item) ? experimentFromItem<Experiment>(item) : null;
      },
      create: (experiment) => table.put(experimentItem(experiment), NEW_ITEM),
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
      event: (experimentId, eventId) => table.get(keys.event(experimentId, eventId)),
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
        let updatedAt = experiment.updatedAt;
        for (const item of items) {
          if (!isAggregateItem(item)) continue;
          const t = emptyTotals();
          for (const f of TOTAL_FIELDS) t[f] = typeof item[f] === 'number' ? (item[f] as number) : 0;
          totals.set((item.variant as string | undefined) ?? (item.sk as string).slice('AGG#'.length), t);
          const written = item.updatedAt as string | undefined;
          if (written && written > updatedAt) updatedAt = written;
        }
        return { experiment, totals, updatedAt };
      },
      transact: (items) => transactWriteRetryingConflicts(table, items),
    },
  };
}
