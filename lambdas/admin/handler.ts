import type { LambdaEnv } from '../shared/config.ts';
import { createRegistry } from '../shared/registry.ts';
import { createExperiment, pauseExperiment, startExperiment, stopExperiment, updateExperiment } from './experiments.ts';

export const adminFields = {
  'Mutation.createExperiment': createExperiment,
  'Mutation.updateExperiment': updateExperiment,
  'Mutation.startExperiment': startExperiment,
  'Mutation.pauseExperiment': pauseExperiment,
  'Mutation.stopExperiment': stopExperiment,
};

/** The handler on a given environment (the local host passes each Lambda's own). */
export const handlerFor = (env: LambdaEnv) => createRegistry(adminFields, { env });

/** The Lambda's entry point: the only reader of the real environment. */
export const handler = handlerFor(process.env);

