// assignVariant's fast path (streamed hashing, no range arrays) against the plain definitions and
// GrowthBook's own functions, on generated inputs: same buckets, same choices.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error GrowthBook ships no types for its internal module; loaded by file path.
import { chooseVariation, getBucketRanges as gbRanges, hash as gbHash } from '../../../node_modules/@growthbook/growthbook/dist/esm/util.mjs';
import { assignFromBucket, assignVariant } from '../../../lambdas/domain/bucketing.ts';
import { assignmentSeed, bucketOf, fnv1a32, hashBucket } from '../../../lambdas/domain/hash.ts';

const gb = { hash: gbHash as (s: string, v: string, version: number) => number, ranges: gbRanges as (n: number, c: number, w: number[]) => [number, number][], choose: chooseVariation as (n: number, r: [number, number][]) => number };

describe('assignVariant fast path', () => {
  it('buckets exactly as GrowthBook v2 and the plain formula', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: 'binary' }), (salt, userId) => {
        const plain = (fnv1a32(String(fnv1a32(assignmentSeed(salt) + userId))) % 10000) / 10000;
        expect(bucketOf(salt, userId)).toBe(plain);
        expect(hashBucket(assignmentSeed(salt), userId)).toBe(gb.hash(assignmentSeed(salt), userId, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('chooses what assignFromBucket and GrowthBook choose, for any weights and coverage', () => {
    const weights = fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(NaN), fc.constant(-0.1)), { maxLength: 5 });
    fc.assert(
      fc.property(fc.string(), fc.string(), weights, fc.double({ min: -0.5, max: 1.5, noNaN: true }), (salt, userId, ws, coverage) => {
        const experiment = { salt, coverage, variants: ws.map((weight, i) => ({ key: `v${i}`, weight })) };
        const fast = assignVariant(experiment, userId);
        expect(fast).toEqual(assignFromBucket(bucketOf(salt, userId), experiment));
        if (ws.every((w) => Number.isFinite(w) && w >= 0) && coverage >= 0 && coverage <= 1) {
          const index = gb.choose(fast.bucket, gb.ranges(ws.length, coverage, ws));
          expect(fast.enrolled ? fast.variantKey : null).toBe(index < 0 ? null : `v${index}`);
        }
      }),
      { numRuns: 500 },
    );
  });
});
