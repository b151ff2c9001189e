// Live counts from the experiment's partition (its META item and AGG#<phase>#<variant> totals), for the
// Query.liveCounts resolver and the aggregator's push, so both report the same numbers and the
// same updatedAt rule: the newest of the experiment's and its totals' updates. APPSYNC_JS subset.
import { AGGREGATE_SK_PREFIX } from './keys.ts';

export const LIVE_COUNT_FIELDS = ['exposures', 'invites', 'clicks', 'signups', 'conversions', 'revenue'] as const;

export interface VariantCounts {
  key: string;
  exposures: number;
  invites: number;
  clicks: number;
  signups: number;
  conversions: number;
  revenue: number;
}

export interface LiveCounts {
  experimentId: string;
  variants: VariantCounts[];
  updatedAt: string;
}

type Item = Record<string, unknown>;

export function isAggregateItem(item: Item): boolean {
  return typeof item.sk === 'string' && item.sk.startsWith(AGGREGATE_SK_PREFIX);
}

export function liveCountsFromPartition(experimentId: string, meta: { variants: { key: string }[]; updatedAt: string }, items: Item[]): LiveCounts {
  // Live counts are since the start: the totals of every phase, summed per variant.
  const totals: Record<string, Record<string, number>> = {};
  let updatedAt = meta.updatedAt;
  for (const item of items) {
    if (isAggregateItem(item)) {
      const key = item.variant as string;
      const sum = totals[key] ?? {};
      for (const f of LIVE_COUNT_FIELDS) sum[f] = (sum[f] ?? 0) + ((item[f] as number | undefined) ?? 0);
      totals[key] = sum;
      if ((item.updatedAt as string) > updatedAt) updatedAt = item.updatedAt as string;
    }
  }
  const variants = meta.variants.map((v) => {
    const t = totals[v.key] ?? {};
    const counts: Record<string, unknown> = { key: v.key };
    for (const f of LIVE_COUNT_FIELDS) counts[f] = t[f] ?? 0;
    return counts as unknown as VariantCounts;
  });
  return { experimentId, variants, updatedAt };
}
