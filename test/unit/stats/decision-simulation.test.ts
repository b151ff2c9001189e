// Seeded simulations of the decision rule (decision.ts), at the count level (binomial draws), for
// the claims of issue 12. Every figure is fixed by its seed; longer versions (more runs) are in
// scripts/stats-simulations.ts.
import { describe, expect, it } from 'vitest';
import { requiredSampleSizePerVariant } from '../../../lambdas/domain/stats/sampleSize.ts';
import { binomialDraw, simulateDailyLooks, simulateRamp } from './helpers/sim.ts';
import { mulberry32 } from './helpers/random.ts';

const BASELINE = 0.1;
const MDE = 0.1;
const FIXED_N = requiredSampleSizePerVariant({ baselineRate: BASELINE, relativeMde: MDE })!; // 14,751
const DAYS = 28;
const PER_DAY = Math.ceil((2 * FIXED_N) / DAYS); // 28 daily looks reach 2× the fixed-horizon n

describe('decision rule simulations (seeded)', () => {
  it('the binomial sampler has the right mean and variance', () => {
    const random = mulberry32(99);
    const draws = Array.from({ length: 4000 }, () => binomialDraw(random, 1000, 0.3));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (draws.length - 1);
    expect(Math.abs(mean - 300)).toBeLessThan(0.5); // sd of the mean ≈ 0.23
    expect(variance).toBeGreaterThan(190); // 210 ± ~5
    expect(variance).toBeLessThan(230);
    expect(binomialDraw(random, 50, 0)).toBe(0);
    expect(binomialDraw(random, 50, 1)).toBe(50);
  });

  it('A/A ramp 10% → 50% on day 14: per phase the lift is ~0, the decision rule and SRM hold (500 runs)', () => {
    const r = simulateRamp({ runs: 500, seed: 12, usersPerDay: 2000, days: 28, rampDay: 14, shareBefore: 0.1, shareAfter: 0.5, dailyConversion: 0.01, relativeMde: MDE });
    const [p1, p2] = r.phases;
    const lift = (o: typeof p1) => o.liftSum / o.liftRuns;
    const srmRate = (p1.srmAlarms + p2.srmAlarms) / (2 * r.runs);
    console.info(
      `ramp (${r.runs} runs): mean relative lift phase 1 ${lift(p1).toFixed(4)}, phase 2 ${lift(p2).toFixed(4)}, pooled ${lift(r.pooled).toFixed(4)}; ` +
        `decision FPR (daily looks) phase 1 ${p1.decisionFalsePositives / r.runs}, phase 2 ${p2.decisionFalsePositives / r.runs}; ` +
        `fixed-horizon z at the end ${p1.zRejections / r.runs} / ${p2.zRejections / r.runs} (pooled ${r.pooled.zRejections / r.runs}); ` +
        `SRM at the readout ${srmRate} (pooled ${r.pooled.srmAlarms / r.runs}), at any daily look ${p1.srmAlarmsAnyLook / r.runs} / ${p2.srmAlarmsAnyLook / r.runs}`,
    );
    expect(Math.abs(lift(p1))).toBeLessThanOrEqual(0.02);
    expect(Math.abs(lift(p2))).toBeLessThanOrEqual(0.02);
    expect(p1.decisionFalsePositives / r.runs).toBeLessThanOrEqual(0.05);
    expect(p2.decisionFalsePositives / r.runs).toBeLessThanOrEqual(0.05);
    expect(srmRate).toBeLessThanOrEqual(0.002);
    // The pooled analysis is what phases fix: a large spurious lift and SRM in every run.
    expect(lift(r.pooled)).toBeLessThan(-0.3);
    expect(r.pooled.srmAlarms).toBe(r.runs);
  });

  it('A/A with 28 daily looks: the decision rule shows BETTER/WORSE in ≤ 5% of 2,000 runs (naive z-test: far more)', () => {
    const o = simulateDailyLooks({ runs: 2000, seed: 1, baseline: BASELINE, lift: 0, relativeMde: MDE, usersPerArmPerDay: PER_DAY, days: DAYS });
    console.info(`A/A daily looks (${o.runs} runs, ${PER_DAY}/arm/day): decision FPR ${o.significant / o.runs}, naive z-test ${o.naiveSignificant / o.runs}, NO_DIFFERENCE at day 28 ${o.noDifferenceAtEnd / o.runs}`);
    expect(o.significant / o.runs).toBeLessThanOrEqual(0.05);
    expect(o.naiveSignificant / o.runs).toBeGreaterThan(0.15);
    expect(o.noDifferenceAtEnd / o.runs).toBeGreaterThan(0.5);
  });

  it('a 10% lift on a 10% baseline reaches TREATMENT_BETTER in ≥ 80% of 2,000 runs by 2× the fixed-horizon n, and by the planned n', () => {
    const o = simulateDailyLooks({ runs: 2000, seed: 2, baseline: BASELINE, lift: MDE, relativeMde: MDE, usersPerArmPerDay: PER_DAY, days: DAYS });
    const byUsers = (n: number) => o.betterByDay[Math.floor(n / PER_DAY) - 1]! / o.runs;
    const planned = o.plannedUsers!;
    console.info(
      `10% lift (${o.runs} runs): TREATMENT_BETTER by 1× fixed n ${byUsers(FIXED_N)}, 1.5× ${byUsers(1.5 * FIXED_N)}, 2× ${byUsers(2 * FIXED_N)}; ` +
        `planned sequential n ${planned} (${(planned / FIXED_N).toFixed(2)}× fixed): ${byUsers(Math.ceil(planned / PER_DAY) * PER_DAY)}; TREATMENT_WORSE ${o.worse}`,
    );
    expect(byUsers(2 * FIXED_N)).toBeGreaterThanOrEqual(0.8);
    expect(byUsers(Math.ceil(planned / PER_DAY) * PER_DAY)).toBeGreaterThanOrEqual(0.8);
    // The progress bar's target is the sequential plan: bigger than the fixed horizon, within 2×.
    expect(planned).toBeGreaterThan(1.5 * FIXED_N);
    expect(planned).toBeLessThanOrEqual(2 * FIXED_N);
    expect(o.worse).toBe(0);
  });
});
