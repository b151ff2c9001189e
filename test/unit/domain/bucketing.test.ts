import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { describe, expect, it } from 'vitest';
import {
  assignFromBucket,
  assignVariant,
  chooseVariant,
  equalWeights,
  getBucketRanges,
  type AssignableExperiment,
} from '../../../lambdas/domain/bucketing.ts';
import { bucketOf } from '../../../lambdas/domain/hash.ts';
import { seededUuids } from './fixtures.ts';

const N = 100_000;

const ID_SHAPES: [string, () => string[]][] = [
  ['sequential numbers "1".."100000"', () => Array.from({ length: N }, (_, i) => String(i + 1))],
  [
    'UUIDs from a seeded generator',
    () => {
      const next = seededUuids(20250601);
      return Array.from({ length: N }, () => next());
    },
  ],
  ['emails "user12345@example.com"', () => Array.from({ length: N }, (_, i) => `user${i + 1}@example.com`)],
];

const WEIGHT_SETS: number[][] = [
  [0.5, 0.5],
  [0.2, 0.3, 0.5],
];

function experimentWith(weights: number[], coverage = 1, salt = 'uniformity-check'): AssignableExperiment {
  return { salt, coverage, variants: weights.map((weight, i) => ({ key: `v${i}`, weight })) };
}

/** Pearson's chi-square goodness of fit of observed counts to expected proportions. */
function chiSquareTest(observed: number[], proportions: number[]): { chiSquare: number; df: number; pValue: number } {
  const total = observed.reduce((a, b) => a + b, 0);
  const chiSquare = observed.reduce((sum, o, i) => {
    const e = total * proportions[i];
    return sum + (o - e) ** 2 / e;
  }, 0);
  const df = observed.length - 1;
  return { chiSquare, df, pValue: 1 - chisquareCdf(chiSquare, df) };
}

function countVariants(experiment: AssignableExperiment, ids: string[]): { counts: number[]; enrolled: number } {
  const index = new Map(experiment.variants.map((v, i) => [v.key, i]));
  const counts = experiment.variants.map(() => 0);
  let enrolled = 0;
  for (const id of ids) {
    const r = assignVariant(experiment, id);
    if (r.enrolled) {
      enrolled++;
      counts[index.get(r.variantKey)!]++;
    }
  }
  return { counts, enrolled };
}

describe('getBucketRanges', () => {
  it('starts each range at the cumulative weight, with length coverage * weight', () => {
    const ranges = getBucketRanges([0.2, 0.3, 0.5], 0.5);
    expect(ranges.map(([s]) => s)).toEqual([0, 0.2, 0.5]);
    ranges.forEach(([s, e], i) => expect(e - s).toBeCloseTo([0.2, 0.3, 0.5][i] * 0.5, 12));
  });

  it('defaults to full coverage', () => {
    expect(getBucketRanges([0.5, 0.5])).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
  });

  it('leaves no gap between ranges at full coverage, whatever the float sums', () => {
    const weights = [0.1, 0.2, 0.05, 0.15, 0.3, 0.2];
    const ranges = getBucketRanges(weights, 1);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
    for (let b = 0; b < 10_000; b++) expect(chooseVariant(b / 10_000, ranges)).toBeGreaterThanOrEqual(0);
  });

  it('falls back to equal weights for negative or non-finite weights, and treats NaN coverage as 0', () => {
    expect(getBucketRanges([1.5, -0.5])).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
    expect(getBucketRanges([Number.NaN, 1])).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
    expect(getBucketRanges([0.5, 0.5], Number.NaN)).toEqual([
      [0, 0],
      [0.5, 0.5],
    ]);
  });

  it('equalWeights', () => {
    expect(equalWeights(0)).toEqual([]);
    expect(equalWeights(-1)).toEqual([]);
    expect(equalWeights(4)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});

describe('assignVariant', () => {
  it('is deterministic', () => {
    const exp = experimentWith([0.2, 0.3, 0.5]);
    for (let i = 0; i < 100; i++) expect(assignVariant(exp, `u${i}`)).toEqual(assignVariant(exp, `u${i}`));
  });

  it('returns the bucket it used, enrolled or not', () => {
    const exp = experimentWith([0.5, 0.5], 0.4);
    for (let i = 0; i < 100; i++) expect(assignVariant(exp, `u${i}`).bucket).toBe(bucketOf(exp.salt, `u${i}`));
  });

  it('says OUTSIDE_COVERAGE for a bucket in no range', () => {
    const exp = { coverage: 0.5, variants: [{ key: 'A', weight: 0.5 }, { key: 'B', weight: 0.5 }] };
    expect(assignFromBucket(0.3, exp)).toEqual({ enrolled: false, reason: 'OUTSIDE_COVERAGE', bucket: 0.3 });
    expect(assignFromBucket(0.2, exp)).toEqual({ enrolled: true, variantKey: 'A', bucket: 0.2 });
    expect(assignFromBucket(0.5, exp)).toEqual({ enrolled: true, variantKey: 'B', bucket: 0.5 });
  });

  it('never assigns a variant of weight 0', () => {
    const exp = experimentWith([0.5, 0, 0.5]);
    for (let i = 0; i < 5000; i++) {
      const r = assignVariant(exp, String(i));
      expect(r.enrolled && r.variantKey).not.toBe('v1');
    }
  });
});

describe('uniformity: 100,000 ids, chi-square goodness of fit at p > 0.001', () => {
  const cases = ID_SHAPES.flatMap(([shape, makeIds]) =>
    WEIGHT_SETS.map((weights) => ({ shape, makeIds, weights, label: `${shape}, weights ${weights.join('/')}` })),
  );
  it.each(cases)('$label', ({ makeIds, weights }) => {
    const ids = makeIds();
    expect(new Set(ids).size).toBe(N);
    const { counts, enrolled } = countVariants(experimentWith(weights), ids);
    expect(enrolled).toBe(N);
    const { chiSquare, df, pValue } = chiSquareTest(counts, weights);
    expect(df).toBe(weights.length - 1);
    expect(chiSquare).toBeGreaterThanOrEqual(0);
    expect(pValue, `counts ${counts.join('/')}, chi-square ${chiSquare.toFixed(3)}`).toBeGreaterThan(0.001);
  });
});

describe('coverage', () => {
  it.each(ID_SHAPES)('coverage 0.4 enrolls about 40% of %s, split evenly', (_shape, makeIds) => {
    const ids = makeIds();
    const { counts, enrolled } = countVariants(experimentWith([0.5, 0.5], 0.4), ids);
    // Binomial(100000, 0.4): sd = sqrt(N p (1-p)) ≈ 155; allow 4.5 sd (two-sided p ≈ 7e-6).
    const sd = Math.sqrt(N * 0.4 * 0.6);
    expect(Math.abs(enrolled - 0.4 * N)).toBeLessThan(4.5 * sd);
    expect(chiSquareTest(counts, [0.5, 0.5]).pValue).toBeGreaterThan(0.001);
  });

  it('raising coverage only adds users: nobody enrolled at 0.4 changes variant at 0.8', () => {
    const low = experimentWith([0.2, 0.3, 0.5], 0.4);
    const high = experimentWith([0.2, 0.3, 0.5], 0.8);
    let added = 0;
    for (let i = 0; i < 20_000; i++) {
      const before = assignVariant(low, String(i));
      const after = assignVariant(high, String(i));
      if (before.enrolled) expect(after).toEqual(before);
      else if (after.enrolled) added++;
    }
    expect(added).toBeGreaterThan(0);
  });
});

describe('why the first assignment is stored: weights 10/90 -> 50/50', () => {
  // Pure illustration for the assign Lambda and its integration test. Changing weights moves the
  // range boundary from 0.1 to 0.5, so every user whose bucket is in [0.1, 0.5) WOULD switch from
  // treatment to control if assignment were recomputed. The assign Lambda stores the first
  // assignment (attribute_not_exists) and must keep returning it.
  const before = { salt: 'rollout-7', coverage: 1, variants: [{ key: 'control', weight: 0.1 }, { key: 'treatment', weight: 0.9 }] };
  const after = { ...before, variants: [{ key: 'control', weight: 0.5 }, { key: 'treatment', weight: 0.5 }] };

  it('moves exactly the users with a bucket in [0.1, 0.5), all from treatment to control', () => {
    let moved = 0;
    const ids = Array.from({ length: 10_000 }, (_, i) => `user${i}@example.com`);
    for (const id of ids) {
      const a = assignVariant(before, id);
      const b = assignVariant(after, id);
      const wouldMove = a.bucket >= 0.1 && a.bucket < 0.5;
      expect(a.enrolled && b.enrolled).toBe(true);
      if (!a.enrolled || !b.enrolled) continue;
      expect(a.variantKey !== b.variantKey).toBe(wouldMove);
      if (wouldMove) {
        moved++;
        expect([a.variantKey, b.variantKey]).toEqual(['treatment', 'control']);
      }
    }
    // About 40% of users would move: far too many for results to survive without storage.
    expect(moved / ids.length).toBeGreaterThan(0.37);
    expect(moved / ids.length).toBeLessThan(0.43);
  });

  it('sample users for an integration test (salt "rollout-7")', () => {
    const table = ['10', '11', '28'].map((id) => {
      const a = assignVariant(before, id);
      const b = assignVariant(after, id);
      return { id, bucket: a.bucket, before: a.enrolled ? a.variantKey : null, after: b.enrolled ? b.variantKey : null };
    });
    expect(table).toEqual([
      { id: '10', bucket: 0.8384, before: 'treatment', after: 'treatment' },
      // User "11" is the one to test stickiness with: a fresh computation says control, storage says treatment.
      { id: '11', bucket: 0.4822, before: 'treatment', after: 'control' },
      { id: '28', bucket: 0.0893, before: 'control', after: 'control' },
    ]);
  });
});
