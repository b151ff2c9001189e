import type { LambdaEnv } from '../shared/config.ts';
import { createRegistry } from '../shared/registry.ts';
import { getResults } from './results.ts';

/** The handler on a given environment (the local host passes each Lambda's own). */
export const handlerFor = (env: LambdaEnv) => createRegistry({ 'Query.results': getResults }, { env });

/** The Lambda's entry point: the only reader of the real environment. */
export const handler = handlerFor(process.env);

