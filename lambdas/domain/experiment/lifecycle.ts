// The experiment's lifecycle: start, pause, stop. The rule itself (which action each status allows)
// is model/lifecycle.ts, shared with the dashboard.
import { allowedActions, nextStatus, type ExperimentAction } from '../../../model/lifecycle.ts';
import { InvalidStateError, ValidationError } from '../errors.ts';
import type { Experiment, ExperimentStatus } from './types.ts';

export type { ExperimentAction };
export { allowedActions };

/** RUNNING or PAUSED: users have been assigned, so the frozen fields stay as they are. */
export function isStarted(status: ExperimentStatus): boolean {
  return status === 'RUNNING' || status === 'PAUSED';
}

function describeAllowed(status: ExperimentStatus): string {
  if (status === 'STOPPED') return 'a stopped experiment cannot be restarted; create a new experiment instead';
  const words = allowedActions(status).map((a) =>
    a === 'start' ? (status === 'PAUSED' ? 'started again (resumed)' : 'started') : a === 'pause' ? 'paused' : 'stopped',
  );
  return `a ${status} experiment can only be ${words.join(' or ')}`;
}

/**
 * Applies a lifecycle action. Bumps version and updatedAt; the first start sets startedAt, stop
 * sets stoppedAt. Throws InvalidStateError for a transition the status does not allow, and
 * ValidationError when starting an experiment whose endDate has passed.
 */
export function transition(current: Experiment, action: ExperimentAction, now: Date): Experiment {
  const next = nextStatus(current.status, action);
  if (next === undefined) {
    const already =
      (action === 'start' && current.status === 'RUNNING') || (action === 'pause' && current.status === 'PAUSED')
        ? ' already'
        : '';
    throw new InvalidStateError(
      `cannot ${action} experiment ${current.id}: it is${already} ${current.status}; ${describeAllowed(current.status)}`,
      current.status,
      allowedActions(current.status),
    );
  }
  const at = now.toISOString();
  if (action === 'start' && current.endDate !== null && Date.parse(current.endDate) <= now.getTime()) {
    throw new ValidationError(
      [
        {
          field: 'endDate',
          message: `endDate ${current.endDate} has passed: move it later (or clear it) with updateExperiment, then start the experiment`,
        },
      ],
      `Cannot start experiment ${current.id}`,
    );
  }
  return {
    ...current,
    status: next,
    startedAt: action === 'start' && current.startedAt === null ? at : current.startedAt,
    stoppedAt: action === 'stop' ? at : current.stoppedAt,
    updatedAt: at,
    version: current.version + 1,
  };
}
