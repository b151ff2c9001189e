// Shared fixtures for the domain unit tests: a valid create input, experiments in each status,
// and deterministic id generators for the simulations.
import { mulberry32 } from '../../../cli/simulate/prng.ts';
import type { CreateExperimentInput, Experiment } from '../../../lambdas/domain/experiment.ts';
import { DEFAULT_FRAUD_SETTINGS } from '../../../lambdas/domain/referrals/fraud.ts';

export const NOW = new Date('2025-06-01T12:00:00.000Z');
export const LATER = new Date('2025-06-02T08:30:00.000Z');

export function validInput(overrides: Partial<CreateExperimentInput> = {}): CreateExperimentInput {
  return {
    name: 'Referral reward $5 vs $10',
    description: 'Does a bigger reward bring more referred signups?',
    variants: [
      { key: 'A', name: 'Reward $5', weight: 0.5, config: '{"rewardUsd": 5}' },
      { key: 'B', name: 'Reward $10', weight: 0.5, config: '{"rewardUsd": 10}' },
    ],
    control: 'A',
    ...overrides,
  };
}

export const createOptions = { id: 'exp-1', now: NOW, generateSalt: () => 'generated-salt' };

export function experiment(overrides: Partial<Experiment> = {}): Experiment {
  return {
    id: 'exp-1',
    name: 'Referral reward $5 vs $10',
    description: null,
    status: 'DRAFT',
    variants: [
      { key: 'A', name: 'Reward $5', weight: 0.5, config: '{"rewardUsd":5}' },
      { key: 'B', name: 'Reward $10', weight: 0.3, config: '{"rewardUsd":10}' },
      { key: 'C', name: 'Reward $20', weight: 0.2, config: null },
    ],
    control: 'A',
    salt: 'salt-1',
    coverage: 1,
    attributionWindowDays: 30,
    currency: 'USD',
    minimumDetectableEffect: null,
    goalMetric: 'CONVERTING_REFERRER_RATE',
    fraudRules: { ...DEFAULT_FRAUD_SETTINGS },
    autoStop: { onDecision: false, onEndDate: false },
    endDate: null,
    startedAt: null,
    stoppedAt: null,
    createdAt: '2025-05-01T00:00:00.000Z',
    updatedAt: '2025-05-01T00:00:00.000Z',
    version: 4,
    ...overrides,
  };
}

export function running(overrides: Partial<Experiment> = {}): Experiment {
  return experiment({ status: 'RUNNING', startedAt: '2025-05-02T00:00:00.000Z', ...overrides });
}

/** Freezes an object and everything in it, so a test fails if a pure function mutates its input. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** mulberry32 (the simulator's PRNG), so "random" ids are the same on every run. */
export const seededRandom = mulberry32;

/** RFC 4122 version-4-shaped UUIDs from a seeded generator. */
export function seededUuids(seed: number): () => string {
  const random = seededRandom(seed);
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return () => {
    const variant = (8 + Math.floor(random() * 4)).toString(16);
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
  };
}
