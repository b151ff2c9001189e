import { createRegistry } from '../shared/registry.ts';
import { recordClick, recordConversion, recordInvite, recordSignup } from './record.ts';

export const handler = createRegistry({
  'Mutation.recordInvite': recordInvite,
  'Mutation.recordClick': recordClick,
  'Mutation.recordSignup': recordSignup,
  'Mutation.recordConversion': recordConversion,
});
