import { createRegistry } from '../shared/registry.ts';
import { countOutcome } from './outcome-metrics.ts';
import { recordClick, recordConversion, recordInvite, recordSignup } from './referral-events.ts';
import { fulfillReward, referral, revokeReward } from './rewards.ts';

export const handler = createRegistry({
  'Mutation.recordInvite': recordInvite,
  'Mutation.recordClick': recordClick,
  'Mutation.recordSignup': recordSignup,
  'Mutation.recordConversion': recordConversion,
  'Mutation.fulfillReward': fulfillReward,
  'Mutation.revokeReward': revokeReward,
  'Query.referral': referral,
}, { onResult: countOutcome });
