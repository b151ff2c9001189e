// The referral funnel the simulation plays, with a known true effect. Pure: a plan of one user's
// events from a seeded generator, and the analytic expectation of the experiment's primary metric
// (the share of enrolled users who brought at least one converting referee), so that a run can be
// compared with the truth.
//
// One enrolled user shares with probability `shareProbability`; a sharer sends 1 + Poisson(λ)
// invites; each invite is clicked with probability c; each click brings one new referee who signs
// up with probability s; each referee converts with probability p (the control's), or p·(1 + lift)
// in a treatment variant; a converting referee may buy again; order values are log-normal.
import type { Rng } from './prng.ts';

export type Channel = 'SMS' | 'EMAIL' | 'WHATSAPP' | 'LINK' | 'OTHER';

export interface FunnelModel {
  shareProbability: number;
  /** λ of the Poisson number of invites after the first. */
  extraInvitesMean: number;
  clickProbability: number;
  signupProbability: number;
  /** The control's probability that a referee converts; a treatment's is this × (1 + lift). */
  conversionProbability: number;
  repeatPurchaseProbability: number;
  /** Log-normal order value: median and log-scale spread. */
  orderValueMedian: number;
  orderValueSigma: number;
  /** Channels with their weights. */
  channels: readonly { channel: Channel; weight: number }[];
}

export const DEFAULT_MODEL: FunnelModel = {
  shareProbability: 0.45,
  extraInvitesMean: 2,
  clickProbability: 0.4,
  signupProbability: 0.5,
  conversionProbability: 0.35,
  repeatPurchaseProbability: 0.2,
  orderValueMedian: 25,
  orderValueSigma: 0.5,
  channels: [
    { channel: 'WHATSAPP', weight: 0.35 },
    { channel: 'SMS', weight: 0.25 },
    { channel: 'LINK', weight: 0.2 },
    { channel: 'EMAIL', weight: 0.15 },
    { channel: 'OTHER', weight: 0.05 },
  ],
};

export interface PlannedConversion {
  /** Index of the referee (0-based, in signup order). */
  referee: number;
  /** Order value in dollars, rounded to cents. */
  value: number;
}

export interface UserPlan {
  /** Channel of each invite sent. */
  invites: Channel[];
  /** Index of the invite each click came from. */
  clicks: number[];
  /** Index of the click each signed-up referee came from. */
  signups: number[];
  conversions: PlannedConversion[];
}

/** A referee's conversion probability in a variant: the control's, or × (1 + lift), capped at 1. */
export function conversionProbability(model: FunnelModel, treatment: boolean, lift: number): number {
  const p = treatment ? model.conversionProbability * (1 + lift) : model.conversionProbability;
  return Math.min(1, Math.max(0, p));
}

function pickChannel(rng: Rng, channels: FunnelModel['channels']): Channel {
  const total = channels.reduce((s, c) => s + c.weight, 0);
  let u = rng.next() * total;
  for (const c of channels) {
    u -= c.weight;
    if (u < 0) return c.channel;
  }
  return channels[channels.length - 1]!.channel;
}

/** What one enrolled user does; `treatment` is true in any variant other than the control. */
export function planUser(rng: Rng, model: FunnelModel, arm: { treatment: boolean; lift: number }): UserPlan {
  const plan: UserPlan = { invites: [], clicks: [], signups: [], conversions: [] };
  if (!rng.bernoulli(model.shareProbability)) return plan;
  const inviteCount = 1 + rng.poisson(model.extraInvitesMean);
  for (let i = 0; i < inviteCount; i += 1) plan.invites.push(pickChannel(rng, model.channels));
  plan.invites.forEach((_, i) => {
    if (rng.bernoulli(model.clickProbability)) plan.clicks.push(i);
  });
  plan.clicks.forEach((_, i) => {
    if (rng.bernoulli(model.signupProbability)) plan.signups.push(i);
  });
  const p = conversionProbability(model, arm.treatment, arm.lift);
  const mu = Math.log(model.orderValueMedian);
  plan.signups.forEach((_, referee) => {
    if (!rng.bernoulli(p)) return;
    plan.conversions.push({ referee, value: roundCents(rng.logNormal(mu, model.orderValueSigma)) });
    if (rng.bernoulli(model.repeatPurchaseProbability)) {
      plan.conversions.push({ referee, value: roundCents(rng.logNormal(mu, model.orderValueSigma)) });
    }
  });
  return plan;
}

export function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * The expected share of enrolled users with at least one converting referee, for a referee
 * conversion probability p. An invite yields a converting referee with probability c·s·p, so with
 * q = 1 − c·s·p and N = 1 + Poisson(λ) invites: P(none | sharer) = E[q^N] = q·e^(−λ(1−q)).
 */
export function expectedConvertingRate(model: FunnelModel, p: number): number {
  const q = 1 - model.clickProbability * model.signupProbability * p;
  return model.shareProbability * (1 - q * Math.exp(-model.extraInvitesMean * (1 - q)));
}

export interface TrueEffect {
  controlRate: number;
  treatmentRate: number;
  /** treatmentRate / controlRate − 1: the relative lift `results` estimates. */
  relativeLift: number;
}

export function trueEffect(model: FunnelModel, lift: number): TrueEffect {
  const controlRate = expectedConvertingRate(model, conversionProbability(model, false, lift));
  const treatmentRate = expectedConvertingRate(model, conversionProbability(model, true, lift));
  return { controlRate, treatmentRate, relativeLift: controlRate > 0 ? treatmentRate / controlRate - 1 : 0 };
}

/** The expected number of API requests one enrolled user makes (assign included), for sizing a run. */
export function expectedRequestsPerUser(model: FunnelModel, p: number): number {
  const invites = model.shareProbability * (1 + model.extraInvitesMean);
  const clicks = invites * model.clickProbability;
  const signups = clicks * model.signupProbability;
  const conversions = signups * p * (1 + model.repeatPurchaseProbability);
  return 1 + model.shareProbability + invites + clicks + signups + conversions;
}
