// Referral funnel metrics of one variant, from its totals. Ratios with a zero denominator are
// null, never NaN or Infinity.
import type { Totals } from '../aggregate/fold.ts';

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function funnel(t: Totals) {
  const invitesPerUser = ratio(t.invites, t.exposures);
  const signupsPerInvite = ratio(t.signups, t.invites);
  return {
    exposures: t.exposures,
    referrers: t.referrers,
    invites: t.invites,
    clicks: t.clicks,
    signups: t.signups,
    conversions: t.conversions,
    revenue: t.revenue,
    rewardCost: t.rewardCost,
    netRevenue: t.netRevenue,
    inviteRate: ratio(t.referrers, t.exposures),
    invitesPerReferrer: ratio(t.invites, t.referrers),
    clickThrough: ratio(t.clicks, t.invites),
    signupRate: ratio(t.signups, t.clicks),
    conversionsPerReferrer: ratio(t.conversions, t.referrers),
    revenuePerReferrer: ratio(t.revenue, t.referrers),
    // K = invites per user × signups per invite: new users each enrolled user brings in.
    viralCoefficient: invitesPerUser !== null && signupsPerInvite !== null ? invitesPerUser * signupsPerInvite : null,
  };
}
