import { describe, expect, it } from 'vitest';
import { analyze, StatsInputError, type StatsInput } from '../../../lambdas/domain/stats/analyze.ts';
import { chanceToBeatControl } from '../../../lambdas/domain/stats/chanceToBeat.ts';
import { holmAdjust } from '../../../lambdas/domain/stats/holm.ts';
import { newcombeDifferenceInterval } from '../../../lambdas/domain/stats/newcombe.ts';
import { sampleRatioMismatch } from '../../../lambdas/domain/stats/srm.ts';
import { sequentialPValue } from '../../../lambdas/domain/stats/msprt.ts';
import { twoProportionZTest } from '../../../lambdas/domain/stats/twoProportionZTest.ts';
import { welchTTest } from '../../../lambdas/domain/stats/welch.ts';
import { wilsonInterval } from '../../../lambdas/domain/stats/wilson.ts';
import { nonFiniteLeaves } from './helpers/reference.ts';

const base: StatsInput = {
  alpha: 0.05,
  control: 'A',
  expectedSplit: { A: 0.5, B: 0.5 },
  variants: [
    { key: 'A', users: 1000, conversions: 100 },
    { key: 'B', users: 1010, conversions: 130 },
  ],
  metrics: [
    {
      name: 'revenue',
      variants: [
        { key: 'A', users: 1000, sum: 5230.5, sumSquares: 98012.25 },
        { key: 'B', users: 1010, sum: 6011.0, sumSquares: 120440.0 },
      ],
    },
  ],
};

function inputError(input: unknown): StatsInputError {
  try {
    analyze(input as StatsInput);
  } catch (e) {
    if (e instanceof StatsInputError) return e;
    throw e;
  }
  throw new Error('expected a StatsInputError');
}

describe('analyze', () => {
  it('assembles each statistic from its method, variant minus control', () => {
    const out = analyze(base);
    const b = out.variants[1]!;
    expect(b.rate).toBeCloseTo(130 / 1010, 15);
    expect(b.rateCi).toEqual(wilsonInterval(130, 1010));
    expect(b.vsControl!.absoluteLift).toBeCloseTo(130 / 1010 - 0.1, 15);
    expect(b.vsControl!.absoluteLiftCi).toEqual(newcombeDifferenceInterval(130, 1010, 100, 1000));
    expect(b.vsControl!.relativeLift).toBeCloseTo(130 / 1010 / 0.1 - 1, 12);
    expect(b.vsControl!.pValue).toBe(twoProportionZTest(130, 1010, 100, 1000).pValue);
    expect(b.vsControl!.pValueAdjusted).toBe(b.vsControl!.pValue); // one comparison: Holm changes nothing
    expect(b.vsControl!.chanceToBeatControl).toBe(chanceToBeatControl(100, 1000, 130, 1010));
    expect(b.vsControl!.sequentialPValue).toBe(sequentialPValue(100, 1000, 130, 1010));
    expect(b.vsControl!.significant).toBe(b.vsControl!.pValueAdjusted! < 0.05);
    expect(out.srm).toEqual(sampleRatioMismatch([1000, 1010], [0.5, 0.5]));
    const w = welchTTest(base.metrics![0]!.variants[0]!, base.metrics![0]!.variants[1]!);
    expect(out.metrics[0]!.variants[1]).toEqual({ key: 'B', mean: w.variantMean, vsControl: { difference: w.difference, differenceCi: w.differenceCi, pValue: w.pValue } });
    expect(out.metrics[0]!.variants[0]).toEqual({ key: 'A', mean: 5.2305, vsControl: null });
  });

  it('adjusts p-values with Holm across the non-control variants only, and flags significance on the adjusted value', () => {
    const out = analyze({
      control: 'B',
      variants: [
        { key: 'A', users: 5000, conversions: 520 },
        { key: 'B', users: 5000, conversions: 500 },
        { key: 'C', users: 5000, conversions: 590 },
        { key: 'D', users: 5000, conversions: 565 },
      ],
    });
    expect(out.variants.map((v) => v.key)).toEqual(['A', 'B', 'C', 'D']);
    expect(out.variants[1]!.vsControl).toBeNull();
    const raw = [0, 2, 3].map((i) => out.variants[i]!.vsControl!.pValue);
    const adjusted = holmAdjust(raw);
    [0, 2, 3].forEach((i, k) => {
      const vs = out.variants[i]!.vsControl!;
      expect(vs.pValueAdjusted).toBe(adjusted[k]);
      expect(vs.significant).toBe(adjusted[k]! < 0.05);
    });
    // C's raw p ≈ 0.004 survives the adjustment, D's raw p (≈ 0.035) does not (2 × 0.035 > 0.05)
    expect(out.variants[3]!.vsControl!.pValue!).toBeLessThan(0.05);
    expect(out.variants[3]!.vsControl!.significant).toBe(false);
    expect(out.variants[2]!.vsControl!.significant).toBe(true);
  });

  it('uses alpha for the intervals and for significance', () => {
    const strict = analyze({ ...base, alpha: 0.01 });
    const loose = analyze(base);
    expect(strict.variants[1]!.vsControl!.significant).toBe(false);
    expect(loose.variants[1]!.vsControl!.significant).toBe(true);
    expect(strict.variants[1]!.rateCi![0]).toBeLessThan(loose.variants[1]!.rateCi![0]);
    expect(strict.metrics[0]!.variants[1]!.vsControl!.differenceCi![0]).toBeLessThan(loose.metrics[0]!.variants[1]!.vsControl!.differenceCi![0]);
  });

  it('defaults alpha to 0.05, the split to equal shares and metrics to none', () => {
    const out = analyze({ control: 'A', variants: base.variants });
    expect(out.variants[1]!.rateCi).toEqual(wilsonInterval(130, 1010, 0.05));
    expect(out.srm).toEqual(sampleRatioMismatch([1000, 1010], [0.5, 0.5]));
    expect(out.metrics).toEqual([]);
  });

  it('flags a sample-ratio mismatch against the configured split', () => {
    const out = analyze({ ...base, expectedSplit: { A: 0.8, B: 0.2 } });
    expect(out.srm.mismatch).toBe(true);
    expect(out.srm.pValue).toBeLessThan(0.001);
  });

  it('carries the previous always-valid p-value', () => {
    const out = analyze({ ...base, variants: [base.variants[0]!, { ...base.variants[1]!, previousSequentialPValue: 0.01 }] });
    expect(out.variants[1]!.vsControl!.sequentialPValue).toBe(0.01);
  });

  describe('degenerate inputs give null or sound limits, never NaN or Infinity', () => {
    const cases: { name: string; input: StatsInput }[] = [
      { name: 'no users anywhere', input: { control: 'A', variants: [{ key: 'A', users: 0, conversions: 0 }, { key: 'B', users: 0, conversions: 0 }] } },
      { name: 'an empty variant', input: { control: 'A', variants: [{ key: 'A', users: 100, conversions: 5 }, { key: 'B', users: 0, conversions: 0 }] } },
      { name: 'an empty control', input: { control: 'A', variants: [{ key: 'A', users: 0, conversions: 0 }, { key: 'B', users: 100, conversions: 5 }] } },
      { name: 'no conversions', input: { control: 'A', variants: [{ key: 'A', users: 500, conversions: 0 }, { key: 'B', users: 500, conversions: 0 }] } },
      { name: 'no conversions in the control', input: { control: 'A', variants: [{ key: 'A', users: 500, conversions: 0 }, { key: 'B', users: 500, conversions: 7 }] } },
      { name: 'everyone converted', input: { control: 'A', variants: [{ key: 'A', users: 40, conversions: 40 }, { key: 'B', users: 50, conversions: 50 }] } },
      { name: 'a single variant', input: { control: 'A', variants: [{ key: 'A', users: 100, conversions: 10 }], metrics: [{ name: 'm', variants: [{ key: 'A', users: 100, sum: 10, sumSquares: 10 }] }] } },
      { name: 'a zero share with users', input: { control: 'A', expectedSplit: { A: 1, B: 0 }, variants: [{ key: 'A', users: 100, conversions: 10 }, { key: 'B', users: 3, conversions: 0 }] } },
      {
        name: 'zero-variance and tiny metrics',
        input: {
          control: 'A',
          variants: [{ key: 'A', users: 10, conversions: 1 }, { key: 'B', users: 10, conversions: 2 }, { key: 'C', users: 10, conversions: 3 }],
          metrics: [
            { name: 'constant', variants: [{ key: 'A', users: 10, sum: 20, sumSquares: 40 }, { key: 'B', users: 10, sum: 20, sumSquares: 40 }] },
            { name: 'one user', variants: [{ key: 'A', users: 1, sum: 3, sumSquares: 9 }, { key: 'B', users: 5, sum: 5, sumSquares: 7 }] },
            { name: 'empty', variants: [{ key: 'A', users: 0, sum: 0, sumSquares: 0 }, { key: 'C', users: 0, sum: 0, sumSquares: 0 }] },
          ],
        },
      },
      { name: 'huge counts', input: { control: 'A', variants: [{ key: 'A', users: 50_000_000, conversions: 1_000_000 }, { key: 'B', users: 50_000_000, conversions: 1_300_000 }] } },
    ];
    it.each(cases)('$name', ({ input }) => {
      const out = analyze(input);
      expect(nonFiniteLeaves(out)).toEqual([]);
      expect(JSON.parse(JSON.stringify(out))).toEqual(out);
      for (const v of out.variants) if (v.vsControl) expect(typeof v.vsControl.significant).toBe('boolean');
    });

    it('reports the limits that exist and nulls the rest', () => {
      const none = analyze(cases[0]!.input);
      expect(none.srm).toEqual({ chiSquare: null, pValue: null, mismatch: false });
      expect(none.variants[1]).toMatchObject({ rate: null, rateCi: null });
      expect(none.variants[1]!.vsControl).toMatchObject({ absoluteLift: null, pValue: null, pValueAdjusted: null, chanceToBeatControl: 0.5, sequentialPValue: null, significant: false });

      const zero = analyze(cases[3]!.input).variants[1]!;
      expect(zero.rate).toBe(0);
      expect(zero.rateCi![0]).toBe(0);
      expect(zero.rateCi![1]).toBeGreaterThan(0);
      expect(zero.vsControl).toMatchObject({ absoluteLift: 0, relativeLift: null, relativeLiftCi: null, pValue: null, sequentialPValue: null, significant: false });
      expect(zero.vsControl!.absoluteLiftCi![0]).toBeLessThan(0);
      expect(zero.vsControl!.absoluteLiftCi![1]).toBeGreaterThan(0);
      expect(zero.vsControl!.chanceToBeatControl).toBeCloseTo(0.5, 12);

      const all = analyze(cases[5]!.input).variants[1]!;
      expect(all.rateCi![1]).toBe(1);
      expect(all.vsControl).toMatchObject({ absoluteLift: 0, relativeLift: 0, relativeLiftCi: null, pValue: null });

      const single = analyze(cases[6]!.input);
      expect(single.srm).toEqual({ chiSquare: null, pValue: null, mismatch: false });
      expect(single.variants).toHaveLength(1);
      expect(single.variants[0]!.vsControl).toBeNull();
      expect(single.metrics[0]!.variants).toEqual([{ key: 'A', mean: 0.1, vsControl: null }]);

      expect(analyze(cases[7]!.input).srm).toEqual({ chiSquare: null, pValue: 0, mismatch: true });

      const metrics = analyze(cases[8]!.input).metrics;
      expect(metrics[0]!.variants[1]!.vsControl).toEqual({ difference: 0, differenceCi: null, pValue: null });
      expect(metrics[1]!.variants[1]!.vsControl).toEqual({ difference: -2, differenceCi: null, pValue: null });
      expect(metrics[2]!.variants).toEqual([
        { key: 'A', mean: null, vsControl: null },
        { key: 'C', mean: null, vsControl: { difference: null, differenceCi: null, pValue: null } },
      ]);
    });
  });

  describe('input validation', () => {
    it('rejects an unknown control key, naming the keys there are', () => {
      const e = inputError({ ...base, control: 'Z' });
      expect(e.errorType).toBe('StatsInputError');
      expect(e.name).toBe('StatsInputError');
      expect(e.fields).toEqual([{ field: 'control', message: expect.stringContaining('unknown control key "Z"') }]);
      expect(e.message).toContain('(A, B)');
    });

    it('rejects conversions above users, and negative or fractional counts', () => {
      const e = inputError({
        ...base,
        variants: [
          { key: 'A', users: 100, conversions: 101 },
          { key: 'B', users: -5, conversions: 1.5 },
        ],
      });
      expect(e.fields.map((f) => f.field)).toEqual(['variants[0].conversions', 'variants[1].users', 'variants[1].conversions']);
      expect(e.fields[0]!.message).toContain('conversions (101) cannot exceed users (100)');
      expect(e.fields[1]!.message).toContain('whole number ≥ 0');
    });

    it('rejects a split that does not add up to 1, or does not match the variants', () => {
      expect(inputError({ ...base, expectedSplit: { A: 0.5, B: 0.6 } }).fields).toEqual([
        { field: 'expectedSplit', message: expect.stringContaining('adds up to 1.1') },
      ]);
      const e = inputError({ ...base, expectedSplit: { A: 0.5, C: 0.5 } });
      expect(e.fields.map((f) => f.field)).toEqual(['expectedSplit.C', 'expectedSplit.B']);
      expect(inputError({ ...base, expectedSplit: { A: -0.5, B: 1.5 } }).fields.map((f) => f.field)).toEqual(['expectedSplit.A', 'expectedSplit.B']);
      expect(inputError({ ...base, expectedSplit: [0.5, 0.5] }).fields[0]!.field).toBe('expectedSplit');
    });

    it('accepts a split that is 1 up to rounding, and normalises it', () => {
      const out = analyze({ ...base, expectedSplit: { A: 0.50001, B: 0.49999 } });
      expect(out.srm.pValue).not.toBeNull();
    });

    it('rejects malformed metrics', () => {
      const e = inputError({
        ...base,
        metrics: [
          { name: 'revenue', variants: [{ key: 'B', users: 10, sum: 10, sumSquares: 20 }] },
          { name: 'revenue', variants: [{ key: 'A', users: 10, sum: 10, sumSquares: 5 }] },
          { name: 'orders', variants: [{ key: 'Q', users: 10, sum: 'ten', sumSquares: 20 }] },
        ],
      });
      const messages = e.fields.map((f) => `${f.field}: ${f.message}`);
      expect(messages).toEqual([
        expect.stringMatching(/^metrics\[0\]\.variants: .*no entry for the control "A"/),
        expect.stringMatching(/^metrics\[1\]\.name: .*appears twice/),
        expect.stringMatching(/^metrics\[1\]\.variants\[0\]\.sumSquares: .*below sum²\/users/),
        expect.stringMatching(/^metrics\[2\]\.variants\[0\]\.key: .*"Q" is not a variant/),
        expect.stringMatching(/^metrics\[2\]\.variants\[0\]\.sum: .*must be a finite number.*got "ten"/),
      ]);
    });

    it('rejects a non-object, a missing or empty variant list, duplicate keys and a bad alpha, all at once', () => {
      expect(inputError(null).fields[0]!.message).toContain('must be a JSON object');
      expect(inputError([]).fields[0]!.field).toBe('');
      expect(inputError({ control: 'A' }).fields.map((f) => f.field)).toEqual(['variants']);
      expect(inputError({ control: 'A', variants: [] }).fields.map((f) => f.field)).toEqual(['variants']);
      const e = inputError({
        alpha: 1.5,
        control: 'A',
        variants: [
          { key: 'A', users: 1, conversions: 0 },
          { key: 'A', users: 1, conversions: 0 },
        ],
      });
      expect(e.fields.map((f) => f.field)).toEqual(['alpha', 'variants[1].key']);
      expect(e.message).toMatch(/^Invalid statistics input: alpha must be .*; variants\[1\]\.key "A" appears twice/);
    });

    it('rejects a bad previousSequentialPValue', () => {
      expect(inputError({ ...base, variants: [base.variants[0]!, { ...base.variants[1]!, previousSequentialPValue: 2 }] }).fields[0]!.field).toBe(
        'variants[1].previousSequentialPValue',
      );
    });
  });
});
