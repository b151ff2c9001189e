// Always-valid (sequential) p-value for the difference of two conversion rates: the mixture
// sequential probability ratio test (mSPRT) with a normal mixing distribution, as in Johari,
// Koomen, Pekelis & Walsh 2017, "Peeking at A/B Tests: Why it matters, and what to do about it"
// (KDD), and Johari, Pekelis & Walsh, "Always Valid Inference", Operations Research 2022.
//
// Model. θ̂ = p̂B − p̂A is approximately N(θ, V) with V = p̄(1 − p̄)(1/nA + 1/nB) (p̄ the pooled rate:
// the variance under H0, the same one the z-test uses; with equal arms it is never smaller than the
// unpooled one, so the test is if anything conservative). Against H0: θ = 0, the likelihood ratio mixed over
// θ ~ N(0, τ²) has the closed form
//   Λ = ∫ φ(θ̂; θ, V) φ(θ; 0, τ²) dθ / φ(θ̂; 0, V) = √(V / (V + τ²)) · exp(τ² θ̂² / (2V(V + τ²))),
// which for nA = nB = n and V = 2σ²/n is the paper's
//   √(2σ² / (2σ² + nτ²)) · exp(n²τ²(ȳB − ȳA)² / (4σ²(2σ² + nτ²))).
// Λ is a martingale under H0, so by Ville's inequality P(sup_n Λ_n ≥ 1/α) ≤ α: the always-valid
// p-value is p_n = min(1, min_{k ≤ n} 1/Λ_k).
//
// Peeking. One call sees one snapshot, so it returns min(1, 1/Λ) for that snapshot, combined with
// the previous always-valid p-value when the caller passes it (`previousPValue`). A caller that
// peeks repeatedly must carry that running minimum from look to look (e.g. stored with the
// experiment's results); without it the value is still a valid p-value for this look alone, but no
// longer the time-uniform one.
//
// Mixing variance τ². τ is the scale of the effects the test is tuned to detect: Johari et al.
// choose the mixing distribution to match the distribution of effects one expects to see
// (Optimizely fitted it to its past experiments). Effects of referral strategies are best thought
// of as relative lifts, and baseline rates differ by orders of magnitude between programmes, so we
// fix τ in relative terms:
//   τ = 0.1 · p̄   (τ² = 0.01 · p̄²),
// a N(0, τ²) prior on the difference whose standard deviation is a 10% relative lift. Why 10%:
// writing r = τ²/V, 1/Λ ≤ α ⇔ z² ≥ (1 + 1/r)(2 ln(1/α) + ln(1 + r)), which is smallest where
// r = 2 ln(1/α) + ln(1 + r), r ≈ 8.2 for α = 0.05, i.e. at n ≈ 1,640·(1 − p̄)/p̄ users per arm. That
// is close to the fixed-horizon sample size for a 10% lift at 80% power (≈ 1,570·(1 − p̄)/p̄ per
// arm), so the sequential test is sharpest about where an experiment powered for a 10% lift ends.
// Callers may override it with `tau2` (absolute) or `relativeEffectScale`. p̄ is estimated from
// the data (it settles within the first few hundred users, and under H0 it estimates the common
// rate), so the guarantee holds up to that plug-in, as it does for the plug-in variance itself.
import { finiteOrNull } from './finite.ts';

/** Default relative effect scale: τ = 0.1 · pooled rate. */
export const DEFAULT_RELATIVE_EFFECT_SCALE = 0.1;

export interface SequentialOptions {
  /** Mixing variance τ² in (difference of proportions)² units; overrides relativeEffectScale. */
  tau2?: number;
  /** τ as a fraction of the pooled rate (default 0.1). */
  relativeEffectScale?: number;
  /** The always-valid p-value of the previous look; the result is never above it. */
  previousPValue?: number | null;
}

/** ln Λ of the normal-mixture SPRT for an estimate thetaHat with variance v and mixing variance tau2. */
export function msprtLogLikelihoodRatio(thetaHat: number, v: number, tau2: number): number | null {
  if (!(v > 0) || !(tau2 > 0) || !Number.isFinite(thetaHat)) return null;
  return finiteOrNull(0.5 * Math.log(v / (v + tau2)) + (tau2 * thetaHat * thetaHat) / (2 * v * (v + tau2)));
}

/** p = min(1, 1/Λ) from ln Λ, without overflow. */
export function pValueFromLogLikelihoodRatio(logLambda: number): number {
  return logLambda <= 0 ? 1 : Math.exp(-logLambda);
}

export interface SequentialResult {
  /** Always-valid p-value after this look (running minimum when a previous value was given); null when undefined and no previous value. */
  pValue: number | null;
  /** ln Λ at this look; null when undefined (an empty arm, or no variation at all). */
  logLikelihoodRatio: number | null;
  /** The mixing variance used; null when undefined. */
  tau2: number | null;
}

/** mSPRT always-valid p-value of H0: pA = pB after this look. */
export function sequentialTest(controlConversions: number, controlUsers: number, variantConversions: number, variantUsers: number, options: SequentialOptions = {}): SequentialResult {
  const previous = finiteOrNull(options.previousPValue);
  const carry = (pValue: number | null): number | null => (previous === null ? pValue : pValue === null ? previous : Math.min(previous, pValue));
  if (!(controlUsers > 0) || !(variantUsers > 0)) return { pValue: carry(null), logLikelihoodRatio: null, tau2: null };
  const pooled = (controlConversions + variantConversions) / (controlUsers + variantUsers);
  const v = pooled * (1 - pooled) * (1 / controlUsers + 1 / variantUsers);
  const scale = options.relativeEffectScale ?? DEFAULT_RELATIVE_EFFECT_SCALE;
  const tau2 = finiteOrNull(options.tau2 ?? (scale * pooled) ** 2);
  if (tau2 === null || !(tau2 > 0) || !(v > 0)) return { pValue: carry(null), logLikelihoodRatio: null, tau2 };
  const thetaHat = variantConversions / variantUsers - controlConversions / controlUsers;
  const logLambda = msprtLogLikelihoodRatio(thetaHat, v, tau2);
  if (logLambda === null) return { pValue: carry(null), logLikelihoodRatio: null, tau2 };
  return { pValue: carry(Math.min(1, pValueFromLogLikelihoodRatio(logLambda))), logLikelihoodRatio: logLambda, tau2 };
}

/** Shorthand: the always-valid p-value only. */
export function sequentialPValue(controlConversions: number, controlUsers: number, variantConversions: number, variantUsers: number, options: SequentialOptions = {}): number | null {
  return sequentialTest(controlConversions, controlUsers, variantConversions, variantUsers, options).pValue;
}
