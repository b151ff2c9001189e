import { createRegistry } from '../shared/registry.ts';
import { assign } from './assign.ts';

export const handler = createRegistry({ 'Mutation.assign': assign });
