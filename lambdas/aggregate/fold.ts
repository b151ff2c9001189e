// Pure folding of stream records into per-(phase, variant) deltas. Totals are driven by the
// per-user counter items (assignment, attribution), whose old and new images give exact deltas for
// counts, sums and sums of squares without ever reading raw events. Both items carry the phase the
// user was assigned in (an attribution carries its referrer's), so a user's later events count in
// the phase they were assigned in; items written before phases existed count in phase 1.
import { roiDelta } from '../domain/referrals/roi.ts';
import { isReferrer } from '../domain/stats/funnel.ts';

export const TOTAL_FIELDS = [
  'exposures',
  'referrers',
  'invites',
  'invitesSumSq',
  'clicks',
  'signups',
  'conversions',
  'conversionsSumSq',
  'convertingReferrers',
  'convertingReferees',
  'revenue',
  'revenueSumSq',
  // ROI (issue 14): per enrolled user, the cost of the rewards their referrals earned and revenue less it.
  'rewardCost',
  'rewardCostSumSq',
  'netRevenue',
  'netRevenueSumSq',
  // Events refused by a fraud or validity rule (counted from the inserted REJECTED event items).
  'rejectedAsFraud',
] as const;
export type TotalField = (typeof TOTAL_FIELDS)[number];
export type Totals = Record<TotalField, number>;

export interface Image {
  entity?: string;
  experimentId?: string;
  variant?: string;
  phase?: number;
  invites?: number;
  clicks?: number;
  signups?: number;
  conversions?: number;
  revenue?: number;
  rewardCost?: number;
  outcome?: string;
  kind?: string;
  /** Issue 16: set on event items whose effects the aggregator applies (lambdas/aggregate/referrer-fold.ts). */
  agg?: number;
  /** A counted conversion that is its referee's first. */
  first?: boolean;
  /** The aggregator's write count on a counters item (referrer-fold.ts FOLD_REV). */
  frev?: number;
}

export interface Change {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  oldImage?: Image;
  newImage?: Image;
}

export const emptyTotals = (): Totals => Object.fromEntries(TOTAL_FIELDS.map((f) => [f, 0])) as Totals;

const n = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The key of a totals delta. */
export const deltaKey = (experimentId: string, phase: number, variant: string): string => `${experimentId}|${phase}|${variant}`;

export function parseDeltaKey(key: string): { experimentId: string; phase: number; variant: string } {
  const [experimentId, phase, ...variant] = key.split('|');
  return { experimentId: experimentId!, phase: Number(phase), variant: variant.join('|') };
}

/** Adds one change's effect to `deltas` (keyed by deltaKey(experimentId, phase, variant)). */
export function foldChange(change: Change, deltas: Map<string, Totals>): void {
  const image = change.newImage ?? change.oldImage;
  if (!image?.experimentId || !image.variant) return;
  const phase = typeof image.phase === 'number' && Number.isInteger(image.phase) && image.phase >= 1 ? image.phase : 1;
  if (image.entity === 'Event') {
    // A rejected event counts in the phase of the user it names (the referrer's, as it was recorded).
    if (change.eventName === 'INSERT' && image.outcome === 'REJECTED') {
      const key = deltaKey(image.experimentId, phase, image.variant);
      const d = deltas.get(key) ?? emptyTotals();
      d.rejectedAsFraud += 1;
      deltas.set(key, d);
    }
    // A referee's first counted conversion (issue 16: decided by the events Lambda's conditional put).
    if (change.eventName === 'INSERT' && image.agg === 1 && image.outcome === 'COUNTED' && image.kind === 'CONVERSION' && image.first === true) {
      const key = deltaKey(image.experimentId, phase, image.variant);
      const d = deltas.get(key) ?? emptyTotals();
      d.convertingReferees += 1;
      deltas.set(key, d);
    }
    return;
  }
  if (image.entity !== 'Assignment' && image.entity !== 'Attribution') return;
  // Items are never deleted on purpose; a TTL or manual REMOVE must not un-count history.
  if (change.eventName === 'REMOVE') return;
  // The aggregator's own writes of a counters item were folded in the transaction that wrote them.
  if (change.eventName === 'MODIFY' && (change.oldImage?.frev ?? 0) !== (change.newImage?.frev ?? 0)) return;
  const key = deltaKey(image.experimentId, phase, image.variant);
  const d = deltas.get(key) ?? emptyTotals();
  const before = change.eventName === 'INSERT' ? {} : (change.oldImage ?? {});
  const after = change.newImage ?? {};

  if (image.entity === 'Assignment') {
    if (change.eventName === 'INSERT') d.exposures += 1;
    const inv0 = n(before.invites), inv1 = n(after.invites);
    d.invites += inv1 - inv0;
    d.invitesSumSq += inv1 * inv1 - inv0 * inv0;
    // A referrer invited, or brought a signup or a conversion (a code may be shared without a
    // tracked invite); counted once, when the user first becomes one.
    if (!isReferrer(before) && isReferrer(after)) d.referrers += 1;
    d.clicks += n(after.clicks) - n(before.clicks);
    d.signups += n(after.signups) - n(before.signups);
    const c0 = n(before.conversions), c1 = n(after.conversions);
    d.conversions += c1 - c0;
    d.conversionsSumSq += c1 * c1 - c0 * c0;
    if (c0 === 0 && c1 > 0) d.convertingReferrers += 1;
    const r0 = n(before.revenue), r1 = n(after.revenue);
    d.revenue += r1 - r0;
    d.revenueSumSq += r1 * r1 - r0 * r0;
    const roi = roiDelta({ revenue: r0, rewardCost: n(before.rewardCost) }, { revenue: r1, rewardCost: n(after.rewardCost) });
    d.rewardCost += roi.rewardCost;
    d.rewardCostSumSq += roi.rewardCostSumSq;
    d.netRevenue += roi.netRevenue;
    d.netRevenueSumSq += roi.netRevenueSumSq;
  } else if (n(before.conversions) === 0 && n(after.conversions) > 0) {
    d.convertingReferees += 1;
  }
  deltas.set(key, d);
}

export function isZero(t: Totals): boolean {
  return TOTAL_FIELDS.every((f) => t[f] === 0);
}
