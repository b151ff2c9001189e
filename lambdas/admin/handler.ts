import { createRegistry } from '../shared/registry.ts';
import { createExperiment, pauseExperiment, startExperiment, stopExperiment, updateExperiment } from './experiments.ts';

export const adminFields = {
  'Mutation.createExperiment': createExperiment,
  'Mutation.updateExperiment': updateExperiment,
  'Mutation.startExperiment': startExperiment,
  'Mutation.pauseExperiment': pauseExperiment,
  'Mutation.stopExperiment': stopExperiment,
};

export const handler = createRegistry(adminFields);
