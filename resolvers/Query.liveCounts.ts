import { util, type Context } from '@aws-appsync/utils';
import { query } from '@aws-appsync/utils/dynamodb';

// One Query on the experiment's partition returns its META item and every AGG#<variant> total, so
// the cost is one read per variant however many events were recorded.
export function request(ctx: Context<{ experimentId: string }>) {
  return query({ query: { pk: { eq: `EXP#${ctx.args.experimentId}` } }, consistentRead: true });
}

export function response(ctx: Context<{ experimentId: string }>) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  const items = ctx.result.items;
  const meta = items.find((i: { sk: string }) => i.sk === 'META');
  if (!meta) return null;
  const totals: Record<string, Record<string, number>> = {};
  // Same rule as the pushed counts: the newest of the experiment's and its totals' updates.
  let updatedAt = meta.updatedAt;
  for (const item of items) {
    if (item.sk.startsWith('AGG#')) {
      totals[item.variant] = item;
      if (item.updatedAt > updatedAt) updatedAt = item.updatedAt;
    }
  }
  const variants = meta.variants.map((v: { key: string }) => {
    const t = totals[v.key] ?? {};
    return {
      key: v.key,
      exposures: t.exposures ?? 0,
      invites: t.invites ?? 0,
      clicks: t.clicks ?? 0,
      signups: t.signups ?? 0,
      conversions: t.conversions ?? 0,
      revenue: t.revenue ?? 0,
    };
  });
  return { experimentId: ctx.args.experimentId, variants, updatedAt };
}
