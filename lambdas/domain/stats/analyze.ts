// The results engine: per-variant statistics against the control, the sample-ratio check, and
// per-user metrics, in the JSON shape of CONTRACT.md ("Statistics input and output").
//
// Methods (each in its own file, with its references):
//   rate, rateCi ............ wilson.ts              Wilson score interval
//   absoluteLift(Ci) ........ newcombe.ts            Newcombe hybrid score interval (method 10)
//   relativeLift(Ci) ........ relativeLift.ts        delta method
//   pValue .................. twoProportionZTest.ts  pooled two-proportion z-test, two-sided
//   pValueAdjusted .......... holm.ts                Holm–Bonferroni over the non-control variants
//   significant ............. pValueAdjusted < alpha
//   chanceToBeatControl ..... chanceToBeat.ts        exact P(pB > pA), Beta(1 + conv, 1 + users − conv)
//   sequentialPValue ........ msprt.ts               always-valid mSPRT p-value, normal mixture
//   srm ..................... srm.ts                 chi-square goodness of fit, mismatch at p < 0.001
//   metrics ................. welch.ts               Welch's t-test, Welch–Satterthwaite df
// Every number leaves through finiteOrNull: a statistic that is undefined for the data (an empty
// arm, no conversions anywhere, a single variant, zero variance) is null, never NaN or Infinity.
import { chanceToBeatControl } from './chanceToBeat.ts';
import { finiteIntervalOrNull, finiteOrNull, type Interval } from './finite.ts';
import { holmAdjust } from './holm.ts';
import { sequentialPValue } from './msprt.ts';
import { newcombeDifferenceInterval } from './newcombe.ts';
import { relativeLift } from './relativeLift.ts';
import { sampleRatioMismatch } from './srm.ts';
import { twoProportionZTest } from './twoProportionZTest.ts';
import type { MetricOutput, StatsInput, StatsOutput, VariantOutput, VsControlOutput } from './types.ts';
import { validateStatsInput } from './validate.ts';
import { welchTTest, meanOf } from './welch.ts';
import { wilsonInterval } from './wilson.ts';

export type * from './types.ts';
export { StatsInputError } from './errors.ts';

function interval(i: Interval | null): Interval | null {
  return i === null ? null : finiteIntervalOrNull(i[0], i[1]);
}

/**
 * Statistics of an experiment's counts. `input` may come straight from JSON.parse: it is
 * validated first, and a StatsInputError lists every problem.
 */
export function analyze(input: StatsInput): StatsOutput {
  const { alpha, controlIndex, variants, shares, metrics } = validateStatsInput(input);
  const control = variants[controlIndex]!;

  const comparisons = variants.map((v, i) => {
    if (i === controlIndex) return null;
    const absoluteLift = control.users > 0 && v.users > 0 ? finiteOrNull(v.conversions / v.users - control.conversions / control.users) : null;
    const relative = relativeLift(control.conversions, control.users, v.conversions, v.users, alpha);
    return {
      absoluteLift,
      absoluteLiftCi: interval(newcombeDifferenceInterval(v.conversions, v.users, control.conversions, control.users, alpha)),
      relativeLift: finiteOrNull(relative.relativeLift),
      relativeLiftCi: interval(relative.interval),
      pValue: twoProportionZTest(v.conversions, v.users, control.conversions, control.users).pValue,
      chanceToBeatControl: finiteOrNull(chanceToBeatControl(control.conversions, control.users, v.conversions, v.users)),
      sequentialPValue: finiteOrNull(
        sequentialPValue(control.conversions, control.users, v.conversions, v.users, { previousPValue: v.previousSequentialPValue ?? null }),
      ),
    };
  });
  const adjusted = holmAdjust(comparisons.map((c) => (c === null ? null : c.pValue)));

  const variantOutputs: VariantOutput[] = variants.map((v, i) => {
    const c = comparisons[i];
    let vsControl: VsControlOutput | null = null;
    if (c) {
      const pValueAdjusted = finiteOrNull(adjusted[i]);
      vsControl = {
        absoluteLift: c.absoluteLift,
        absoluteLiftCi: c.absoluteLiftCi,
        relativeLift: c.relativeLift,
        relativeLiftCi: c.relativeLiftCi,
        pValue: c.pValue,
        pValueAdjusted,
        chanceToBeatControl: c.chanceToBeatControl,
        sequentialPValue: c.sequentialPValue,
        significant: pValueAdjusted !== null && pValueAdjusted < alpha,
      };
    }
    return {
      key: v.key,
      users: v.users,
      conversions: v.conversions,
      rate: v.users > 0 ? finiteOrNull(v.conversions / v.users) : null,
      rateCi: interval(wilsonInterval(v.conversions, v.users, alpha)),
      vsControl,
    };
  });

  const metricOutputs: MetricOutput[] = metrics.map((m) => {
    const controlSums = m.variants.find((v) => v.key === control.key)!;
    return {
      name: m.name,
      variants: m.variants.map((v) => {
        if (v.key === control.key) return { key: v.key, mean: meanOf(v), vsControl: null };
        const w = welchTTest(controlSums, v, alpha);
        return {
          key: v.key,
          mean: finiteOrNull(w.variantMean),
          vsControl: { difference: finiteOrNull(w.difference), differenceCi: interval(w.differenceCi), pValue: finiteOrNull(w.pValue) },
        };
      }),
    };
  });

  const srm = sampleRatioMismatch(
    variants.map((v) => v.users),
    shares,
  );
  return {
    srm: { chiSquare: finiteOrNull(srm.chiSquare), pValue: finiteOrNull(srm.pValue), mismatch: srm.mismatch },
    variants: variantOutputs,
    metrics: metricOutputs,
  };
}
