// The decision per treatment: what a growth team may act on at any look, however often it looks.
//
//   TREATMENT_BETTER / TREATMENT_WORSE  the always-valid p-value (mSPRT, msprt.ts), carried as a
//       running minimum across looks and Holm-adjusted across treatments (holm.ts), is below alpha;
//       the direction is the sign of the observed difference.
//   NO_DIFFERENCE  the planned sample size of the sequential design (sequentialSampleSize.ts) is
//       reached in every arm AND the always-valid interval of the difference
//       (confidenceSequence.ts, at alpha / m) lies strictly inside ±δ, δ = MDE × control rate.
//   KEEP_RUNNING  anything else (including "planned size reached but still inconclusive").
//
// Why watching is safe. (1) Each running-minimum p-value p_t satisfies P(∃ t: p_t ≤ x) ≤ x under its
// null (Ville's inequality; Johari et al. 2017/2022). Holm is monotone in its inputs, so whatever
// Holm rejects at any look it also rejects on the all-time minima, whose family-wise error is ≤ α
// (Holm 1979): the chance that any look ever shows a BETTER/WORSE for a treatment with no effect is
// ≤ α. And since the running minima never go up, a BETTER/WORSE once shown stays. (2) The interval
// covers the true difference at every look simultaneously with probability ≥ 1 − α/m, so if a
// treatment truly differs by δ or more the chance that any look ever shows NO_DIFFERENCE for it is
// ≤ α/m: an equivalence test in the manner of TOST (Schuirmann 1987), made time-uniform. Requiring
// the planned sample size as well keeps NO_DIFFERENCE from being read off a handful of early users
// (where the plug-in variance is poor) and matches its meaning: "we collected what we planned and
// any effect is smaller than the one we cared about". δ uses the observed control rate (a plug-in,
// like the variance).
//
// References: Johari, Koomen, Pekelis & Walsh (2017), "Peeking at A/B Tests", KDD; Johari, Pekelis &
// Walsh (2022), "Always Valid Inference", Operations Research 70(3); Holm (1979), Scand. J. Stat. 6;
// Schuirmann (1987), J. Pharmacokinet. Biopharm. 15:657–680 (two one-sided tests).
import { differenceConfidenceSequence } from './confidenceSequence.ts';
import { finiteOrNull, type Interval } from './finite.ts';
import { holmAdjust } from './holm.ts';
import { sequentialTest } from './msprt.ts';
import { relativeEffectScaleFor, sequentialSampleSizePerVariant } from './sequentialSampleSize.ts';

export const DECISIONS = ['KEEP_RUNNING', 'TREATMENT_BETTER', 'TREATMENT_WORSE', 'NO_DIFFERENCE'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface DecisionArm {
  key: string;
  users: number;
  conversions: number;
}

export interface DecisionTreatment extends DecisionArm {
  /** This treatment's always-valid p-value from the previous look (the stored running minimum). */
  previousSequentialPValue?: number | null;
}

export interface DecisionInput {
  alpha?: number;
  /** Relative minimum detectable effect (0.1 = 10%); without it there is no plan and no NO_DIFFERENCE. */
  relativeMde?: number | null;
  /** Power the plan is sized for; default 0.8. */
  power?: number;
  control: DecisionArm;
  treatments: DecisionTreatment[];
}

export interface SequentialPlan {
  relativeMde: number | null;
  /** τ / p̄ of the mixture used for every treatment. */
  relativeEffectScale: number;
  /** Users per variant the sequential design needs (null without an MDE or a control rate). */
  requiredUsersPerVariant: number | null;
  smallestVariantUsers: number;
  /** smallestVariantUsers / requiredUsersPerVariant, capped at 1. */
  progress: number | null;
}

export interface TreatmentDecision {
  key: string;
  /** Always-valid p-value: the running minimum over looks (this look and previousSequentialPValue). */
  sequentialPValue: number | null;
  /** Holm-adjusted across treatments. */
  sequentialPValueAdjusted: number | null;
  /** Always-valid (1 − alpha/m) interval of the difference treatment − control at this look. */
  alwaysValidCi: Interval | null;
  decision: Decision;
  decisionReason: string;
  /** decision is TREATMENT_BETTER or TREATMENT_WORSE. */
  significant: boolean;
}

export interface DecisionOutput {
  plan: SequentialPlan;
  treatments: TreatmentDecision[];
}

const fmtP = (p: number | null): string => (p === null ? 'undefined' : p < 0.0001 ? '< 0.0001' : p.toPrecision(2));
const fmtD = (d: number): string => `${d >= 0 ? '+' : ''}${(d * 100).toFixed(2)} pp`;
// Plain string formatting (Intl is slow, and this runs on every look of every simulated run).
const fmtN = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Decisions for every treatment against the control at one look. */
export function decide(input: DecisionInput): DecisionOutput {
  const alpha = input.alpha ?? 0.05;
  const { control, treatments } = input;
  const relativeMde = finiteOrNull(input.relativeMde) || null;
  const scale = relativeEffectScaleFor(relativeMde);
  const m = Math.max(1, treatments.length);
  const controlRate = control.users > 0 ? control.conversions / control.users : null;
  const required =
    relativeMde !== null && controlRate !== null
      ? sequentialSampleSizePerVariant({ baselineRate: controlRate, relativeMde, alpha, power: input.power ?? 0.8, relativeEffectScale: scale, comparisons: m })
      : null;
  const smallest = Math.min(control.users, ...treatments.map((t) => t.users));
  const plan: SequentialPlan = {
    relativeMde,
    relativeEffectScale: scale,
    requiredUsersPerVariant: required,
    smallestVariantUsers: smallest,
    progress: required ? Math.min(1, smallest / required) : null,
  };

  const tests = treatments.map((t) =>
    sequentialTest(control.conversions, control.users, t.conversions, t.users, { relativeEffectScale: scale, previousPValue: t.previousSequentialPValue ?? null }),
  );
  const adjusted = holmAdjust(tests.map((s) => s.pValue));
  const margin = relativeMde !== null && controlRate !== null ? Math.abs(relativeMde) * controlRate : null;

  const decided = treatments.map((t, i): TreatmentDecision => {
    const { pValue, tau2 } = tests[i]!;
    const pAdj = finiteOrNull(adjusted[i]);
    const ci = tau2 === null ? null : differenceConfidenceSequence(control.conversions, control.users, t.conversions, t.users, tau2, alpha / m);
    const diff = control.users > 0 && t.users > 0 ? t.conversions / t.users - control.conversions / control.users : null;
    const base = { key: t.key, sequentialPValue: finiteOrNull(pValue), sequentialPValueAdjusted: pAdj, alwaysValidCi: ci };
    const out = (decision: Decision, decisionReason: string): TreatmentDecision => ({
      ...base,
      decision,
      decisionReason,
      significant: decision === 'TREATMENT_BETTER' || decision === 'TREATMENT_WORSE',
    });
    const pText = `always-valid p ${fmtP(pAdj)}${m > 1 ? ' (Holm-adjusted)' : ''}`;
    if (pAdj !== null && pAdj < alpha && diff !== null && diff !== 0) {
      return diff > 0
        ? out('TREATMENT_BETTER', `${t.key} beats ${control.key} by ${fmtD(diff)}: ${pText} < ${alpha}; safe to stop and ship.`)
        : out('TREATMENT_WORSE', `${t.key} trails ${control.key} by ${fmtD(diff)}: ${pText} < ${alpha}; safe to stop.`);
    }
    if (relativeMde === null) return out('KEEP_RUNNING', `${pText} ≥ ${alpha}; no minimum detectable effect is set, so no planned size and no "no difference" verdict.`);
    if (required === null || margin === null) return out('KEEP_RUNNING', `${pText}; no planned size yet (the control has no conversions to size it from).`);
    if (smallest < required) return out('KEEP_RUNNING', `${pText} ≥ ${alpha}; ${fmtN(smallest)} of ${fmtN(required)} planned users per variant.`);
    if (ci !== null && -margin < ci[0] && ci[1] < margin) {
      return out('NO_DIFFERENCE', `Planned size reached and the always-valid interval ${fmtD(ci[0])} to ${fmtD(ci[1])} lies inside ±${fmtD(margin).slice(1)} (the MDE): any effect is smaller than the one planned for.`);
    }
    return out(
      'KEEP_RUNNING',
      `Planned size reached but inconclusive: ${pText} ≥ ${alpha} and the always-valid interval ${ci ? `${fmtD(ci[0])} to ${fmtD(ci[1])}` : '(undefined)'} is not inside ±${fmtD(margin).slice(1)}; keep running or stop as inconclusive.`,
    );
  });
  return { plan, treatments: decided };
}
