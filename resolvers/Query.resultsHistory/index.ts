import { util, type Context } from '@aws-appsync/utils';

const MAX_LIMIT = 500;

type Args = { experimentId: string; phase?: number | null; limit?: number | null; nextToken?: string | null };

// Pipeline: getExperimentMeta (the current phase, when none is asked for) -> querySnapshots (one
// Query of EXP#<id>#SNAP, oldest first).
export function request(ctx: Context<Args>) {
  const limit = ctx.args.limit ?? 100;
  if (limit < 1 || limit > MAX_LIMIT) util.error(`limit must be between 1 and ${MAX_LIMIT}, got ${limit}`, 'ValidationError');
  const phase = ctx.args.phase;
  if (phase !== undefined && phase !== null && phase < 1) util.error(`phase is numbered from 1, got ${phase}`, 'ValidationError');
  return {};
}

export function response(ctx: Context<Args>) {
  return ctx.prev.result;
}
