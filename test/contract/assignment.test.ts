// Replays the shared assignment vectors (hash, bucket ranges, variant choice, assignment) against
// lambdas/domain. The vectors name their sources: GrowthBook's SDK test cases, the FNV reference
// values, and splitloop's own rows computed by an independent implementation.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assignFromBucket, assignVariant, chooseVariant, equalWeights, getBucketRanges } from '../../lambdas/domain/bucketing.ts';
import { fnv1a32, hashBucket } from '../../lambdas/domain/hash.ts';

interface VariantVector {
  key: string;
  weight: number;
}
interface Vectors {
  version: number;
  fnv1a32: { input: string; expected: string; source: string }[];
  hash: { seed: string; value: string; expected: number; source: string }[];
  bucketRanges: {
    name: string;
    numVariations: number;
    coverage: number;
    weights: number[] | null;
    expected: [number, number][];
    source: string;
  }[];
  chooseVariant: { name: string; bucket: number; ranges: [number, number][]; expected: number; source: string }[];
  assign: {
    name: string;
    salt?: string;
    seed?: string;
    userId: string;
    coverage: number;
    variants: VariantVector[];
    expected: { enrolled: boolean; variantKey?: string; reason?: string; bucket?: number };
    source: string;
  }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('./assignment.vectors.json', import.meta.url), 'utf8'),
) as Vectors;

describe('assignment vectors', () => {
  it('are version 1 and every case names its source', () => {
    expect(vectors.version).toBe(1);
    const groups = [vectors.fnv1a32, vectors.hash, vectors.bucketRanges, vectors.chooseVariant, vectors.assign];
    for (const group of groups) {
      expect(group.length).toBeGreaterThan(0);
      for (const c of group) expect(c.source).toMatch(/\S/);
    }
    // Several of GrowthBook's published v2 hash cases are among them.
    expect(vectors.hash.filter((c) => c.source.startsWith('growthbook/')).length).toBeGreaterThanOrEqual(7);
  });

  describe('fnv1a32', () => {
    it.each(vectors.fnv1a32)('fnv1a32($input) = $expected', ({ input, expected }) => {
      expect(fnv1a32(input)).toBe(Number.parseInt(expected, 16));
    });
  });

  describe('hash (GrowthBook v2)', () => {
    it.each(vectors.hash)('hashBucket($seed, $value) = $expected', ({ seed, value, expected }) => {
      expect(hashBucket(seed, value)).toBe(expected);
    });
  });

  describe('bucketRanges', () => {
    it.each(vectors.bucketRanges)('$name', ({ numVariations, coverage, weights, expected }) => {
      const w = weights !== null && weights.length === numVariations ? weights : equalWeights(numVariations);
      const ranges = getBucketRanges(w, coverage);
      expect(ranges).toHaveLength(expected.length);
      ranges.forEach(([start, end], i) => {
        expect(start).toBeCloseTo(expected[i][0], 9);
        expect(end).toBeCloseTo(expected[i][1], 9);
      });
    });
  });

  describe('chooseVariant', () => {
    it.each(vectors.chooseVariant)('$name', ({ bucket, ranges, expected }) => {
      expect(chooseVariant(bucket, ranges)).toBe(expected);
    });
  });

  describe('assign', () => {
    it.each(vectors.assign)('$name', ({ salt, seed, userId, coverage, variants, expected }) => {
      if (salt !== undefined) {
        expect(assignVariant({ salt, coverage, variants }, userId)).toEqual(expected);
      } else {
        const bucket = hashBucket(seed!, userId);
        const result = assignFromBucket(bucket, { coverage, variants });
        expect(result).toMatchObject({ enrolled: expected.enrolled, variantKey: expected.variantKey });
        if (expected.bucket !== undefined) expect(result.bucket).toBe(expected.bucket);
      }
    });
  });
});
