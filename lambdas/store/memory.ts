// In-memory stores with the same contract as the DynamoDB ones, for unit tests of handlers:
// experiments and assignments (conditional create and versioned replace). Referral and totals
// stores need DynamoDB's transactions and are tested against DynamoDB Local.
import type { Experiment } from '../domain/experiment.ts';
import type { AssignmentItem } from '../../model/assignment.ts';
import { experimentFromItem, experimentItem } from '../../model/experiment.ts';
import type { AssignmentStore, ExperimentStore, ReferralStore, Stores, TotalsStore } from './stores.ts';

export interface MemoryStores extends Stores {
  /** The stored experiment items by id, to seed or inspect (e.g. an item stored before a field existed). */
  experimentItems: Map<string, Record<string, unknown>>;
}

function unsupported(name: string): never {
  throw new Error(`the in-memory stores do not implement ${name}; test it against DynamoDB Local`);
}

export function memoryStores(): MemoryStores {
  const experimentItems = new Map<string, Record<string, unknown>>();
  const assignments = new Map<string, AssignmentItem>();
  const readouts = new Map<string, unknown>();
  const experiments: ExperimentStore = {
    async get(id) {
      const item = experimentItems.get(id);
      return item ? experimentFromItem<Experiment>(structuredClone(item)) : null;
    },
    async create(experiment: Experiment) {
      if (experimentItems.has(experiment.id)) return false;
      experimentItems.set(experiment.id, structuredClone(experimentItem(experiment)));
      return true;
    },
    async replace(next, expectedVersion) {
      const current = experimentItems.get(next.id);
      if (!current || current.version !== expectedVersion) return false;
      experimentItems.set(next.id, structuredClone(experimentItem(next)));
      return true;
    },
    async replaceWithReadouts(next, expectedVersion, phaseReadouts) {
      if (!(await experiments.replace(next, expectedVersion))) return false;
      for (const { phase, readout } of phaseReadouts) readouts.set(`${next.id}|${phase}`, structuredClone(readout));
      return true;
    },
  };
  const assignmentStore: AssignmentStore = {
    async get(experimentId, userId) {
      return structuredClone(assignments.get(`${experimentId}|${userId}`)) ?? null;
    },
    async create(item) {
      const key = `${item.experimentId}|${item.userId}`;
      if (assignments.has(key)) return false;
      assignments.set(key, structuredClone(item));
      return true;
    },
  };
  const referrals: ReferralStore = {
    code: () => unsupported('referrals.code'),
    event: () => unsupported('referrals.event'),
    attribution: () => unsupported('referrals.attribution'),
    counters: () => unsupported('referrals.counters'),
    reward: () => unsupported('referrals.reward'),
    putNewEvent: () => unsupported('referrals.putNewEvent'),
    transact: () => unsupported('referrals.transact'),
  };
  const totals: TotalsStore = {
    readPartition: () => unsupported('totals.readPartition'),
    chunkMarker: () => unsupported('totals.chunkMarker'),
    putContinuation: () => unsupported('totals.putContinuation'),
    applyChunk: () => unsupported('totals.applyChunk'),
  };
  return { experimentItems, experiments, assignments: assignmentStore, referrals, totals };
}
