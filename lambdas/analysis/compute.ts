// The adapter between the scheduled analysis and the results engine: the one file to change when
// the results computation changes. It turns an experiment's partition into a snapshot (what is
// stored and charted) plus the facts the alert rules need.
import { computeResults } from '../results/results.ts';
import type { ExperimentPartition } from '../store/stores.ts';
import type { Decision } from '../domain/stats/decision.ts';
import { currentPhase } from './state.ts';

export type { Decision };
type Interval = [number, number] | null;

/**
 * A treatment converting worse than the control with an always-valid p-value below this raises a
 * GUARDRAIL alert. It is looser than the decision's α on purpose: the alert is an early warning to
 * look, the decision is the verdict. Always-valid, so checking it every run does not inflate it.
 */
export const GUARDRAIL_ALPHA = 0.1;

export interface SnapshotVariant {
  key: string;
  users: number;
  conversions: number;
  rate: number | null;
  rateCi: Interval;
  relativeLift: number | null;
  relativeLiftCi: Interval;
  pValue: number | null;
  /** Running minimum of the always-valid p-value (this look and every earlier stored one). */
  sequentialPValue: number | null;
  decision: Decision | null;
}

export interface Snapshot {
  experimentId: string;
  phase: number;
  computedAt: string;
  srmPValue: number | null;
  variants: SnapshotVariant[];
}

export interface Analysis {
  snapshot: Snapshot;
  srmMismatch: boolean;
  /** Every variant reached the planned sample size (false without a minimum detectable effect). */
  sampleSizeReached: boolean;
  /** Treatments converting worse than the control at GUARDRAIL_ALPHA. */
  guardrailBreached: string[];
  alpha: number;
}

interface ComparisonLike {
  relativeLift: number | null;
  relativeLiftCi: Interval;
  pValue: number | null;
  sequentialPValue: number | null;
  /** The results engine always decides (lambdas/domain/stats/decision.ts). */
  decision: Decision;
}

export function analyzePartition(partition: ExperimentPartition, previous: Record<string, number | null>, now: Date): Analysis {
  const { experiment } = partition;
  const results = computeResults(partition, previous, currentPhase(experiment));
  const variants: SnapshotVariant[] = results.variants.map((v) => {
    const c = v.vsControl as ComparisonLike | null;
    return {
      key: v.key,
      users: v.users,
      conversions: v.conversions,
      rate: v.rate,
      rateCi: v.rateCi,
      relativeLift: c?.relativeLift ?? null,
      relativeLiftCi: c?.relativeLiftCi ?? null,
      pValue: c?.pValue ?? null,
      sequentialPValue: c?.sequentialPValue ?? null,
      decision: c ? c.decision : null,
    };
  });
  const progress = results.sampleSize?.progress ?? null;
  return {
    snapshot: {
      experimentId: experiment.id,
      phase: currentPhase(experiment),
      computedAt: now.toISOString(),
      srmPValue: results.srm.pValue,
      variants,
    },
    srmMismatch: results.srm.mismatch,
    sampleSizeReached: progress !== null && progress >= 1,
    guardrailBreached: variants
      .filter((v) => v.decision !== null && v.relativeLift !== null && v.relativeLift < 0 && v.sequentialPValue !== null && v.sequentialPValue < GUARDRAIL_ALPHA)
      .map((v) => v.key),
    alpha: results.alpha,
  };
}
