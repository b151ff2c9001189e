// Bayesian chance to beat control: P(pB > pA) for independent posteriors
// pA ~ Beta(1 + conversionsA, 1 + usersA − conversionsA), pB likewise (uniform Beta(1, 1) priors).
//
// Exact closed form (Evan Miller, "Formulas for Bayesian A/B Testing", 2014; Cook 2005): for
// X_A ~ Beta(aA, bA), X_B ~ Beta(aB, bB) with integer aB,
//   P(X_B > X_A) = Σ_{i=0}^{aB−1} B(aA + i, bA + bB) / ((bB + i) · B(1 + i, bB) · B(aA, bA)),
// each term computed in log space with ln B (stdlib betaln) and summed with a running log-sum-exp,
// so that no term under- or overflows.
//
// The sum has aB terms, but by symmetry it can run over any one of the four parameters:
//   P(pB > pA) = h(αA, βA, αB, βB)        (αB terms)
//              = 1 − h(αB, βB, αA, βA)    (αA terms: P(pA > pB) has probability 1 − P(pB > pA))
//              = h(βB, αB, βA, αA)        (βA terms: pB > pA ⇔ 1 − pA > 1 − pB, 1 − p ~ Beta(β, α))
//              = 1 − h(βA, αA, βB, αB)    (βB terms)
// and we take the shortest: 1 + the smallest of the four counts (conversions and non-conversions of
// either arm), which for the conversion rates of referral programmes (a few percent) stays short
// well into hundreds of thousands of users.
//
// Fallback: when even the shortest sum would exceed CLOSED_FORM_MAX_TERMS = 10,000 terms (every
// count above 10,000: both posteriors are then narrow and all but normal; the sum would cost
// ~0.4 µs a term) we integrate numerically,
//   P(pB > pA) = ∫ f_A(x)(1 − F_B(x)) dx = ∫ f_B(x) F_A(x) dx,
// with the density of the narrower posterior and the CDF of the wider one (stdlib beta pdf/cdf),
// by composite Simpson's rule on ±12 standard deviations of the narrower posterior (the mass
// outside is < 1e-30) with 2,400 panels (a step of 0.01 sd), ~3 ms. It agrees with the closed form
// to ~1e-12 already at counts of 1,000 (tested to 1e-9 on both sides of the switch).
import { betaCdf, betaln, betaPdf } from './distributions.ts';
import { clamp, finiteOrNull } from './finite.ts';

/** Beyond this many terms of the shortest closed-form sum, integrate numerically instead. */
export const CLOSED_FORM_MAX_TERMS = 10_000;

export interface BetaParameters {
  alpha: number;
  beta: number;
}

/** Posterior of a conversion rate under a uniform prior: Beta(1 + conversions, 1 + users − conversions). */
export function betaPosterior(conversions: number, users: number): BetaParameters {
  return { alpha: 1 + conversions, beta: 1 + users - conversions };
}

/** Miller's sum: P(X_B > X_A), X_A ~ Beta(aA, bA), X_B ~ Beta(aB, bB); aB a positive integer. */
function millerSum(aA: number, bA: number, aB: number, bB: number): number {
  const lnBA = betaln(aA, bA);
  let maxLog = -Infinity;
  let scaled = 0; // Σ exp(logTerm − maxLog)
  for (let i = 0; i < aB; i++) {
    const logTerm = betaln(aA + i, bA + bB) - Math.log(bB + i) - betaln(1 + i, bB) - lnBA;
    if (logTerm > maxLog) {
      scaled = scaled * Math.exp(maxLog - logTerm) + 1;
      maxLog = logTerm;
    } else {
      scaled += Math.exp(logTerm - maxLog);
    }
  }
  return maxLog === -Infinity ? 0 : scaled * Math.exp(maxLog);
}

/** Exact P(pB > pA) by the shortest of the four forms of Miller's sum (integer parameters). */
export function chanceToBeatClosedForm(a: BetaParameters, b: BetaParameters): number {
  const forms: { terms: number; value: () => number }[] = [
    { terms: b.alpha, value: () => millerSum(a.alpha, a.beta, b.alpha, b.beta) },
    { terms: a.alpha, value: () => 1 - millerSum(b.alpha, b.beta, a.alpha, a.beta) },
    { terms: a.beta, value: () => millerSum(b.beta, b.alpha, a.beta, a.alpha) },
    { terms: b.beta, value: () => 1 - millerSum(a.beta, a.alpha, b.beta, b.alpha) },
  ];
  const shortest = forms.reduce((best, f) => (f.terms < best.terms ? f : best));
  return clamp(shortest.value(), 0, 1);
}

function betaMoments(p: BetaParameters): { mean: number; sd: number } {
  const s = p.alpha + p.beta;
  return { mean: p.alpha / s, sd: Math.sqrt((p.alpha * p.beta) / (s * s * (s + 1))) };
}

/** P(pB > pA) by numerical integration (composite Simpson); any positive parameters. */
export function chanceToBeatByIntegration(a: BetaParameters, b: BetaParameters, panels = 2400): number {
  const ma = betaMoments(a);
  const mb = betaMoments(b);
  // Integrate against the narrower density: the wider CDF is smooth on its scale.
  const densityOfA = ma.sd <= mb.sd;
  const narrow = densityOfA ? a : b;
  const wide = densityOfA ? b : a;
  const m = densityOfA ? ma : mb;
  const lo = Math.max(0, m.mean - 12 * m.sd);
  const hi = Math.min(1, m.mean + 12 * m.sd);
  const n = panels % 2 === 0 ? panels : panels + 1;
  const h = (hi - lo) / n;
  // densityOfA: ∫ f_A (1 − F_B);  otherwise ∫ f_B F_A.
  const integrand = (x: number): number => {
    const f = betaPdf(x, narrow.alpha, narrow.beta);
    const F = betaCdf(x, wide.alpha, wide.beta);
    return f * (densityOfA ? 1 - F : F);
  };
  let sum = integrand(lo) + integrand(hi);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * integrand(lo + i * h);
  return clamp((sum * h) / 3, 0, 1);
}

/**
 * Chance that the variant's conversion rate exceeds the control's, P(pB > pA), under uniform priors.
 * 0.5 for two empty arms. Null only for invalid counts.
 */
export function chanceToBeatControl(controlConversions: number, controlUsers: number, variantConversions: number, variantUsers: number): number | null {
  const counts = [controlConversions, controlUsers, variantConversions, variantUsers];
  if (!counts.every((c) => Number.isSafeInteger(c) && c >= 0)) return null;
  if (controlConversions > controlUsers || variantConversions > variantUsers) return null;
  const a = betaPosterior(controlConversions, controlUsers);
  const b = betaPosterior(variantConversions, variantUsers);
  const shortest = Math.min(a.alpha, a.beta, b.alpha, b.beta);
  const value = shortest <= CLOSED_FORM_MAX_TERMS ? chanceToBeatClosedForm(a, b) : chanceToBeatByIntegration(a, b);
  return finiteOrNull(value);
}
