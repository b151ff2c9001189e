import { createRegistry } from '../shared/registry.ts';
import { assign } from './assign.ts';
import { countAssignment } from './assignment-metrics.ts';

export const handler = createRegistry({ 'Mutation.assign': assign }, { onResult: countAssignment });
