// Long versions of the decision-rule simulations of test/unit/stats/decision-simulation.test.ts
// (same models, more runs): `npx tsx scripts/stats-simulations.ts [scale]` (scale multiplies the
// run counts; default 10, i.e. 5,000 ramps, 20,000 A/A and 20,000 power runs, ~1 minute).
import { requiredSampleSizePerVariant } from '../lambdas/domain/stats/sampleSize.ts';
import { simulateDailyLooks, simulateRamp } from '../test/unit/stats/helpers/sim.ts';

const scale = Number(process.argv[2] ?? 10);
const MDE = 0.1;
const fixedN = requiredSampleSizePerVariant({ baselineRate: 0.1, relativeMde: MDE })!;
const days = 28;
const perDay = Math.ceil((2 * fixedN) / days);
const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(2)}% (${x}/${n})`;

const ramp = simulateRamp({ runs: 500 * scale, seed: 1212, usersPerDay: 2000, days, rampDay: 14, shareBefore: 0.1, shareAfter: 0.5, dailyConversion: 0.01, relativeMde: MDE });
const [p1, p2] = ramp.phases;
console.log(`A/A ramp 10% -> 50% on day 14, 2,000 users/day, 1%/day conversion, ${ramp.runs} runs`);
for (const [name, o] of [['phase 1', p1], ['phase 2', p2], ['pooled (no phases)', ramp.pooled]] as const) {
  console.log(
    `  ${name}: mean relative lift ${(o.liftSum / o.liftRuns).toFixed(4)}, fixed-horizon z at day 28 ${pct(o.zRejections, ramp.runs)}` +
      (name.startsWith('pooled') ? '' : `, decision rule watched daily ${pct(o.decisionFalsePositives, ramp.runs)}, SRM at any daily look ${pct(o.srmAlarmsAnyLook, ramp.runs)}`) +
      `, SRM at the readout ${pct(o.srmAlarms, ramp.runs)}`,
  );
}

const aa = simulateDailyLooks({ runs: 2000 * scale, seed: 101, baseline: 0.1, lift: 0, relativeMde: MDE, usersPerArmPerDay: perDay, days });
console.log(`A/A, 28 daily looks of ${perDay} users/arm, ${aa.runs} runs: decision FPR ${pct(aa.significant, aa.runs)}, naive z-test ${pct(aa.naiveSignificant, aa.runs)}, NO_DIFFERENCE at day 28 ${pct(aa.noDifferenceAtEnd, aa.runs)}`);

const power = simulateDailyLooks({ runs: 2000 * scale, seed: 202, baseline: 0.1, lift: MDE, relativeMde: MDE, usersPerArmPerDay: perDay, days });
const by = (n: number) => pct(power.betterByDay[Math.floor(n / perDay) - 1]!, power.runs);
console.log(
  `10% lift on 10%, ${power.runs} runs (fixed-horizon n ${fixedN}/arm, planned sequential n ${power.plannedUsers}/arm): TREATMENT_BETTER by 1x ${by(fixedN)}, 1.5x ${by(1.5 * fixedN)}, 2x ${by(2 * fixedN)}, by the plan ${by(Math.ceil(power.plannedUsers! / perDay) * perDay)}; TREATMENT_WORSE ${power.worse}`,
);
