import { util, type Context } from '@aws-appsync/utils';
import type { QueryReferralCodeArgs } from '../../generated/graphql.ts';

const MAX_ID = 256;

// Pipeline: getAssignment -> createReferralCode -> createReferralCode (the retry after a code
// collision; it returns early when a code is known). Creating a code is one transaction: the
// CODE#<code> item (attribute_not_exists) and the assignment's `code` (attribute_not_exists), so a
// code is unique and a referrer has one. When a concurrent request stored the referrer's code first,
// the failed condition returns the stored assignment and its code is the answer.
export function request(ctx: Context<QueryReferralCodeArgs>) {
  const { experimentId, userId } = ctx.args;
  if (experimentId.length < 1 || experimentId.length > MAX_ID) {
    util.error(`experimentId must be 1-${MAX_ID} characters`, 'ValidationError');
  }
  if (userId.length < 1 || userId.length > MAX_ID) {
    util.error(`userId must be 1-${MAX_ID} characters`, 'ValidationError');
  }
  return {};
}

export function response(ctx: Context<QueryReferralCodeArgs>) {
  const assignment = ctx.stash.assignment;
  const base = { experimentId: ctx.args.experimentId, userId: ctx.args.userId };
  if (!assignment) return { ...base, code: null, variant: null, reason: 'NOT_ASSIGNED' };
  const code = ctx.stash.code ?? assignment.code;
  if (!code) util.error('Could not allocate a unique referral code; retry the request', 'CodeAllocationError');
  return { ...base, code, variant: assignment.variant, reason: null };
}
