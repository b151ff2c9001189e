// Count-level models of the experiments issue 12 describes, seeded, for the decision-rule
// simulations (fast versions in test/unit/stats/decision-simulation.test.ts, long ones in
// scripts/stats-simulations.ts). Counts are drawn as binomials, not user by user, so thousands of
// 28-day experiments run in about a second.
import { decide, type Decision } from '../../../../lambdas/domain/stats/decision.ts';
import { sampleRatioMismatch } from '../../../../lambdas/domain/stats/srm.ts';
import { twoProportionZTest } from '../../../../lambdas/domain/stats/twoProportionZTest.ts';
import { mulberry32 } from './random.ts';

/**
 * Exact Binomial(n, p) draw by geometric skipping: the gaps between successes are geometric, so the
 * cost is proportional to the number of successes (min(p, 1 − p)·n), not to n.
 */
export function binomialDraw(random: () => number, n: number, p: number): number {
  if (!(n > 0) || !(p > 0)) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomialDraw(random, n, 1 - p);
  const logQ = Math.log1p(-p);
  let successes = 0;
  let position = 0;
  for (;;) {
    position += Math.floor(Math.log(1 - random()) / logQ) + 1;
    if (position > n) return successes;
    successes++;
  }
}

const isSignificant = (d: Decision): boolean => d === 'TREATMENT_BETTER' || d === 'TREATMENT_WORSE';

export interface DailyLooksSettings {
  runs: number;
  seed: number;
  baseline: number;
  /** True relative lift of the treatment (0 for A/A). */
  lift: number;
  /** Relative MDE the experiment is planned for. */
  relativeMde: number;
  usersPerArmPerDay: number;
  days: number;
}

export interface DailyLooksOutcome {
  runs: number;
  /** Runs in which some look showed TREATMENT_BETTER or TREATMENT_WORSE. */
  significant: number;
  /** Runs that showed TREATMENT_BETTER by each day (index = day − 1). */
  betterByDay: number[];
  /** Runs that showed TREATMENT_WORSE at some look. */
  worse: number;
  /** Runs whose last look shows NO_DIFFERENCE. */
  noDifferenceAtEnd: number;
  /** Runs in which a naive fixed-horizon z-test was below alpha at some look. */
  naiveSignificant: number;
  /** The planned (sequential) users per variant at the last look of the first run. */
  plannedUsers: number | null;
}

/** Two arms, equal daily traffic, the decision rule applied after every day. */
export function simulateDailyLooks(s: DailyLooksSettings): DailyLooksOutcome {
  const random = mulberry32(s.seed);
  const out: DailyLooksOutcome = { runs: s.runs, significant: 0, betterByDay: new Array<number>(s.days).fill(0), worse: 0, noDifferenceAtEnd: 0, naiveSignificant: 0, plannedUsers: null };
  for (let run = 0; run < s.runs; run++) {
    let xA = 0;
    let xB = 0;
    let n = 0;
    let previous: number | null = null;
    let firstBetter = Infinity;
    let everSignificant = false;
    let everWorse = false;
    let naive = false;
    let last: Decision = 'KEEP_RUNNING';
    for (let day = 1; day <= s.days; day++) {
      n += s.usersPerArmPerDay;
      xA += binomialDraw(random, s.usersPerArmPerDay, s.baseline);
      xB += binomialDraw(random, s.usersPerArmPerDay, s.baseline * (1 + s.lift));
      const { plan, treatments } = decide({
        relativeMde: s.relativeMde,
        control: { key: 'A', users: n, conversions: xA },
        treatments: [{ key: 'B', users: n, conversions: xB, previousSequentialPValue: previous }],
      });
      const t = treatments[0]!;
      previous = t.sequentialPValue;
      last = t.decision;
      if (isSignificant(t.decision)) everSignificant = true;
      if (t.decision === 'TREATMENT_WORSE') everWorse = true;
      if (t.decision === 'TREATMENT_BETTER' && firstBetter === Infinity) firstBetter = day;
      const z = twoProportionZTest(xB, n, xA, n).pValue;
      if (z !== null && z < 0.05) naive = true;
      if (run === 0 && day === s.days) out.plannedUsers = plan.requiredUsersPerVariant;
    }
    if (everSignificant) out.significant++;
    if (everWorse) out.worse++;
    if (last === 'NO_DIFFERENCE') out.noDifferenceAtEnd++;
    if (naive) out.naiveSignificant++;
    for (let day = firstBetter; day <= s.days; day++) out.betterByDay[day - 1]!++;
  }
  return out;
}

export interface RampSettings {
  runs: number;
  seed: number;
  usersPerDay: number;
  days: number;
  /** Day (0-based) on which the weights change and phase 2 opens. */
  rampDay: number;
  /** Share of B before and after the ramp. */
  shareBefore: number;
  shareAfter: number;
  /** Daily probability that a not-yet-converted enrolled user becomes a converting referrer (both arms). */
  dailyConversion: number;
  relativeMde: number;
}

interface Arm {
  users: number;
  converted: number;
}

export interface PhaseOutcome {
  /** Σ relative lift at the last look (runs where it is defined) and how many. */
  liftSum: number;
  liftRuns: number;
  /** Fixed-horizon z-test at the last look below 0.05. */
  zRejections: number;
  /** The decision rule, looked at daily: some look showed BETTER/WORSE. */
  decisionFalsePositives: number;
  /** SRM flagged (p < 0.001) at the last look against the phase's weights. */
  srmAlarms: number;
  /** SRM flagged at some daily look. */
  srmAlarmsAnyLook: number;
}

export interface RampOutcome {
  runs: number;
  phases: [PhaseOutcome, PhaseOutcome];
  /** The pooled analysis (phases ignored, SRM against the current weights), at the last look. */
  pooled: PhaseOutcome;
}

const emptyPhase = (): PhaseOutcome => ({ liftSum: 0, liftRuns: 0, zRejections: 0, decisionFalsePositives: 0, srmAlarms: 0, srmAlarmsAnyLook: 0 });

/**
 * The A/A ramp of issue 12: identical arms, B's weight raised on `rampDay`, which opens phase 2.
 * Users keep their arm; each phase counts the users assigned in it (and whatever they convert
 * later). Analysed per phase (against that phase's weights) and, for contrast, pooled.
 */
export function simulateRamp(s: RampSettings): RampOutcome {
  const random = mulberry32(s.seed);
  const result: RampOutcome = { runs: s.runs, phases: [emptyPhase(), emptyPhase()], pooled: emptyPhase() };
  const weightsOf = (phase: number) => (phase === 0 ? { A: 1 - s.shareBefore, B: s.shareBefore } : { A: 1 - s.shareAfter, B: s.shareAfter });
  for (let run = 0; run < s.runs; run++) {
    const arms: [Arm, Arm][] = [
      [{ users: 0, converted: 0 }, { users: 0, converted: 0 }],
      [{ users: 0, converted: 0 }, { users: 0, converted: 0 }],
    ];
    const previous: (number | null)[] = [null, null];
    const falsePositive = [false, false];
    const srmAny = [false, false];
    for (let day = 0; day < s.days; day++) {
      const current = day < s.rampDay ? 0 : 1;
      const w = weightsOf(current);
      const toB = binomialDraw(random, s.usersPerDay, w.B);
      arms[current]![0].users += s.usersPerDay - toB;
      arms[current]![1].users += toB;
      for (const phaseArms of arms) for (const arm of phaseArms) arm.converted += binomialDraw(random, arm.users - arm.converted, s.dailyConversion);
      // The daily look at every phase that has begun (phase 1 stays readable after phase 2 opens).
      for (let phase = 0; phase <= current; phase++) {
        const [a, b] = arms[phase]!;
        const { treatments } = decide({
          relativeMde: s.relativeMde,
          control: { key: 'A', users: a.users, conversions: a.converted },
          treatments: [{ key: 'B', users: b.users, conversions: b.converted, previousSequentialPValue: previous[phase] }],
        });
        previous[phase] = treatments[0]!.sequentialPValue;
        if (isSignificant(treatments[0]!.decision)) falsePositive[phase] = true;
        const pw = weightsOf(phase);
        if (sampleRatioMismatch([a.users, b.users], [pw.A, pw.B]).mismatch) srmAny[phase] = true;
      }
    }
    const score = (o: PhaseOutcome, a: Arm, b: Arm, weights: { A: number; B: number }) => {
      if (a.converted > 0) {
        o.liftSum += b.converted / b.users / (a.converted / a.users) - 1;
        o.liftRuns++;
      }
      const z = twoProportionZTest(b.converted, b.users, a.converted, a.users).pValue;
      if (z !== null && z < 0.05) o.zRejections++;
      if (sampleRatioMismatch([a.users, b.users], [weights.A, weights.B]).mismatch) o.srmAlarms++;
    };
    for (const phase of [0, 1]) {
      const o = result.phases[phase]!;
      score(o, arms[phase]![0], arms[phase]![1], weightsOf(phase));
      if (falsePositive[phase]) o.decisionFalsePositives++;
      if (srmAny[phase]) o.srmAlarmsAnyLook++;
    }
    const pooledA = { users: arms[0][0].users + arms[1][0].users, converted: arms[0][0].converted + arms[1][0].converted };
    const pooledB = { users: arms[0][1].users + arms[1][1].users, converted: arms[0][1].converted + arms[1][1].converted };
    score(result.pooled, pooledA, pooledB, weightsOf(1));
  }
  return result;
}
