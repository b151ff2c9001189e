// Buckets to variants, with GrowthBook's semantics (getBucketRanges / chooseVariation in its SDKs):
// variant i owns [cumulative weight before i, that + coverage * weight_i). With coverage < 1 the
// rest of each variant's slice is not enrolled, so raising coverage later only adds users and
// never moves an enrolled one. Changing weights does move users: that is why the first
// assignment is stored (the assign Lambda's job, not this module's). Pure functions.
import { bucketOf } from './hash.ts';

/** [start, end): a bucket b is in the range when start <= b < end. */
export type BucketRange = readonly [start: number, end: number];

/** GrowthBook falls back to equal weights when the weights add up to less than this or more than the max. */
const WEIGHT_TOTAL_MIN = 0.99;
const WEIGHT_TOTAL_MAX = 1.01;

/** n equal weights (GrowthBook's getEqualWeights): [] for n <= 0. */
export function equalWeights(n: number): number[] {
  if (!(n > 0)) return [];
  return new Array<number>(Math.floor(n)).fill(1 / Math.floor(n));
}

/**
 * One range per weight. GrowthBook semantics, including its tolerance of bad input: coverage is
 * clamped to [0, 1] (NaN counts as 0), and weights that are not finite and >= 0 or that do not add
 * up to 1 within ±0.01 are replaced by equal weights. (Validated experiments never hit either.)
 */
export function getBucketRanges(weights: readonly number[], coverage = 1): BucketRange[] {
  const cover = coverage > 1 ? 1 : coverage >= 0 ? coverage : 0;
  const valid = weights.every((w) => Number.isFinite(w) && w >= 0);
  const total = valid ? weights.reduce((sum, w) => sum + w, 0) : NaN;
  const effective = total >= WEIGHT_TOTAL_MIN && total <= WEIGHT_TOTAL_MAX ? weights : equalWeights(weights.length);
  let cumulative = 0;
  return effective.map((w) => {
    const start = cumulative;
    cumulative += w;
    return [start, start + cover * w] as const;
  });
}

export function inRange(bucket: number, range: BucketRange): boolean {
  return bucket >= range[0] && bucket < range[1];
}

/** Index of the first range that holds the bucket, or -1 when none does (outside coverage). */
export function chooseVariant(bucket: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    if (inRange(bucket, ranges[i])) return i;
  }
  return -1;
}

/** What assignment needs of an experiment. */
export interface AssignableExperiment {
  salt: string;
  coverage: number;
  variants: readonly { key: string; weight: number }[];
}

export type AssignmentResult =
  | { enrolled: true; variantKey: string; bucket: number }
  | { enrolled: false; reason: 'OUTSIDE_COVERAGE'; bucket: number };

/** The variant of a given bucket (for replaying vectors, or a bucket computed elsewhere). */
export function assignFromBucket(
  bucket: number,
  experiment: Pick<AssignableExperiment, 'coverage' | 'variants'>,
): AssignmentResult {
  const ranges = getBucketRanges(
    experiment.variants.map((v) => v.weight),
    experiment.coverage,
  );
  const index = chooseVariant(bucket, ranges);
  if (index < 0) return { enrolled: false, reason: 'OUTSIDE_COVERAGE', bucket };
  return { enrolled: true, variantKey: experiment.variants[index].key, bucket };
}

/**
 * Deterministic assignment: the same experiment (salt, coverage, weights) and user always give the
 * same answer. Whether the experiment is running, and stickiness across weight changes, are the
 * caller's business.
 */
export function assignVariant(experiment: AssignableExperiment, userId: string): AssignmentResult {
  const bucket = bucketOf(experiment.salt, userId);
  // assignFromBucket without building the ranges (this runs on every assign call): the same
  // clamping and equal-weight fallback as getBucketRanges, in two passes over the variants.
  const { variants, coverage } = experiment;
  const n = variants.length;
  const cover = coverage > 1 ? 1 : coverage >= 0 ? coverage : 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = variants[i].weight;
    if (!(Number.isFinite(w) && w >= 0)) {
      total = NaN;
      break;
    }
    total += w;
  }
  const equal = !(total >= WEIGHT_TOTAL_MIN && total <= WEIGHT_TOTAL_MAX);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const w = equal ? 1 / n : variants[i].weight;
    if (bucket >= start && bucket < start + cover * w) return { enrolled: true, variantKey: variants[i].key, bucket };
    start += w;
  }
  return { enrolled: false, reason: 'OUTSIDE_COVERAGE', bucket };
}
