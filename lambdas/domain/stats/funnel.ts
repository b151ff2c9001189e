// The referral funnel of one variant (per phase), from its totals, with Wilson intervals
// (wilson.ts) on the rates that are proportions.
//
// Definitions (issue 12):
//   referrer     an enrolled user who invited, or brought at least one signup or conversion (a
//                referee may arrive through a shared code without a tracked invite; such a user is
//                still a referrer). Counted by the aggregator once per user.
//   inviteRate   referrers / enrolled users: the share of users who referred.
//   clickThrough clicks / invites;  signupRate  signups / clicks.
//   viralCoefficient (K)  signups per enrolled user: the new users each enrolled user brings.
//                Computed directly, not as (invites per user) × (signups per invite), which is
//                undefined (0 × ∞) when signups arrive without invites.
// A Wilson interval needs successes ≤ trials. Clicks and signups are not always subsets of the step
// before (a code typed in gives a signup without a click), so when the numerator exceeds the
// denominator the rate is still shown but its interval is null: it is a ratio, not a proportion.
// Ratios with a zero denominator are null.
import { finiteOrNull, type Interval } from './finite.ts';
import { wilsonInterval } from './wilson.ts';

export interface FunnelTotals {
  exposures: number;
  referrers: number;
  invites: number;
  clicks: number;
  signups: number;
  conversions: number;
  revenue: number;
}

export interface FunnelOutput extends FunnelTotals {
  inviteRate: number | null;
  inviteRateCi: Interval | null;
  invitesPerReferrer: number | null;
  clickThrough: number | null;
  clickThroughCi: Interval | null;
  signupRate: number | null;
  signupRateCi: Interval | null;
  conversionsPerReferrer: number | null;
  revenuePerReferrer: number | null;
  viralCoefficient: number | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? finiteOrNull(a / b) : null);
const proportionCi = (successes: number, trials: number, alpha: number): Interval | null =>
  trials > 0 && successes <= trials ? wilsonInterval(successes, trials, alpha) : null;

export function funnel(t: FunnelTotals, alpha = 0.05): FunnelOutput {
  return {
    exposures: t.exposures,
    referrers: t.referrers,
    invites: t.invites,
    clicks: t.clicks,
    signups: t.signups,
    conversions: t.conversions,
    revenue: t.revenue,
    inviteRate: ratio(t.referrers, t.exposures),
    inviteRateCi: proportionCi(t.referrers, t.exposures, alpha),
    invitesPerReferrer: ratio(t.invites, t.referrers),
    clickThrough: ratio(t.clicks, t.invites),
    clickThroughCi: proportionCi(t.clicks, t.invites, alpha),
    signupRate: ratio(t.signups, t.clicks),
    signupRateCi: proportionCi(t.signups, t.clicks, alpha),
    conversionsPerReferrer: ratio(t.conversions, t.referrers),
    revenuePerReferrer: ratio(t.revenue, t.referrers),
    viralCoefficient: ratio(t.signups, t.exposures),
  };
}

/** A user counts as a referrer once they invited, or brought a signup or a conversion. */
export function isReferrer(counts: { invites?: number; signups?: number; conversions?: number }): boolean {
  return (counts.invites ?? 0) > 0 || (counts.signups ?? 0) > 0 || (counts.conversions ?? 0) > 0;
}
