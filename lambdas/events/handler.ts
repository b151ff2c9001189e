import type { LambdaEnv } from '../shared/config.ts';
import { createRegistry } from '../shared/registry.ts';
import { countOutcome } from './outcome-metrics.ts';
import { recordClick, recordConversion, recordInvite, recordSignup } from './referral-events.ts';
import { fulfillReward, referral, revokeReward } from './rewards.ts';

/** The handler on a given environment (the local host passes each Lambda's own). */
export const handlerFor = (env: LambdaEnv) => createRegistry({
  'Mutation.recordInvite': recordInvite,
  'Mutation.recordClick': recordClick,
  'Mutation.recordSignup': recordSignup,
  'Mutation.recordConversion': recordConversion,
  'Mutation.fulfillReward': fulfillReward,
  'Mutation.revokeReward': revokeReward,
  'Query.referral': referral,
}, { onResult: countOutcome, env });

/** The Lambda's entry point: the only reader of the real environment. */
export const handler = handlerFor(process.env);

