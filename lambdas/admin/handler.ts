import { createRegistry } from '../shared/registry.ts';
import { createExperiment, pauseExperiment, startExperiment, stopExperiment, updateExperiment } from './experiments.ts';

export const handler = createRegistry({
  'Mutation.createExperiment': createExperiment,
  'Mutation.updateExperiment': updateExperiment,
  'Mutation.startExperiment': startExperiment,
  'Mutation.pauseExperiment': pauseExperiment,
  'Mutation.stopExperiment': stopExperiment,
});
