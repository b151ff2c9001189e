import { createRegistry } from '../shared/registry.ts';
import { getResults } from './results.ts';

export const handler = createRegistry({ 'Query.results': getResults });
