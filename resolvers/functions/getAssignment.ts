import { util, type Context } from '@aws-appsync/utils';
import { get } from '@aws-appsync/utils/dynamodb';
import { keys } from '../../model/keys.ts';
import type { QueryReferralCodeArgs } from '../../generated/graphql.ts';

// First function of the referralCode pipeline: the caller's assignment (variant and, once created,
// the referral code), read consistently so that a code stored a moment ago is seen.
export function request(ctx: Context<QueryReferralCodeArgs>) {
  return get({
    key: keys.assignment(ctx.args.experimentId, ctx.args.userId),
    consistentRead: true,
  });
}

export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  ctx.stash.assignment = ctx.result ?? null;
  return ctx.result ?? null;
}
