import { createRegistry } from '../shared/registry.ts';
import { countOutcome } from './outcome-metrics.ts';
import { recordClick, recordConversion, recordInvite, recordSignup } from './record.ts';

export const handler = createRegistry({
  'Mutation.recordInvite': recordInvite,
  'Mutation.recordClick': recordClick,
  'Mutation.recordSignup': recordSignup,
  'Mutation.recordConversion': recordConversion,
}, { onResult: countOutcome });
