import { util, type Context } from '@aws-appsync/utils';
import { query } from '@aws-appsync/utils/dynamodb';
import { keys } from '../../model/keys.ts';

type Args = { experimentId: string; phase?: number | null; limit?: number | null; nextToken?: string | null };

// A phase's snapshots are the items P#<phase, 4 digits>#<computedAt> of EXP#<id>#SNAP: ascending
// sort keys are oldest first.
export function request(ctx: Context<Args>) {
  const phase = ctx.args.phase ?? ctx.stash.currentPhase;
  return query({
    query: { pk: { eq: keys.snapshots(ctx.args.experimentId) }, sk: { beginsWith: keys.snapshotPrefix(phase) } },
    limit: ctx.args.limit ?? 100,
    nextToken: ctx.args.nextToken ?? undefined,
    scanIndexForward: true,
  });
}

export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return { items: ctx.result.items, nextToken: ctx.result.nextToken ?? null };
}
