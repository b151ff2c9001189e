import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidStateError, ValidationError } from '../../../lambdas/domain/errors.ts';
import {
  allowedActions,
  transition,
  type ExperimentAction,
  type ExperimentStatus,
} from '../../../lambdas/domain/experiment.ts';
import { allowedActions as offered, EXPERIMENT_ACTIONS } from '../../../model/lifecycle.ts';
import { LATER, NOW, deepFreeze, experiment } from './fixtures.ts';

const at = (status: ExperimentStatus, extra = {}) => deepFreeze(experiment({ status, ...extra }));

describe('transition', () => {
  it('DRAFT -> RUNNING on start: sets startedAt, bumps version and updatedAt', () => {
    const next = transition(at('DRAFT'), 'start', NOW);
    expect(next).toEqual({
      ...experiment(),
      status: 'RUNNING',
      startedAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      version: 5,
    });
  });

  it('RUNNING -> PAUSED -> RUNNING keeps the first startedAt', () => {
    const started = transition(at('DRAFT'), 'start', NOW);
    const paused = transition(started, 'pause', LATER);
    expect(paused).toMatchObject({ status: 'PAUSED', startedAt: NOW.toISOString(), stoppedAt: null, version: 6 });
    const resumed = transition(paused, 'start', new Date('2025-06-03T00:00:00Z'));
    expect(resumed).toMatchObject({
      status: 'RUNNING',
      startedAt: NOW.toISOString(),
      updatedAt: '2025-06-03T00:00:00.000Z',
      version: 7,
    });
  });

  it.each(['RUNNING', 'PAUSED'] as const)('%s -> STOPPED on stop: sets stoppedAt', (status) => {
    const next = transition(at(status, { startedAt: NOW.toISOString() }), 'stop', LATER);
    expect(next).toMatchObject({ status: 'STOPPED', startedAt: NOW.toISOString(), stoppedAt: LATER.toISOString(), version: 5 });
  });

  it('DRAFT -> STOPPED on stop: a draft can be discarded without ever running', () => {
    expect(transition(at('DRAFT'), 'stop', LATER)).toMatchObject({ status: 'STOPPED', startedAt: null, stoppedAt: LATER.toISOString() });
  });

  it.each([
    ['DRAFT', 'pause', 'cannot pause experiment exp-1: it is DRAFT; a DRAFT experiment can only be started or stopped', ['start', 'stop']],
    ['RUNNING', 'start', 'cannot start experiment exp-1: it is already RUNNING; a RUNNING experiment can only be paused or stopped', ['pause', 'stop']],
    ['PAUSED', 'pause', 'cannot pause experiment exp-1: it is already PAUSED; a PAUSED experiment can only be started again (resumed) or stopped', ['start', 'stop']],
    ['STOPPED', 'start', 'cannot start experiment exp-1: it is STOPPED; a stopped experiment cannot be restarted; create a new experiment instead', []],
    ['STOPPED', 'pause', 'cannot pause experiment exp-1: it is STOPPED; a stopped experiment cannot be restarted; create a new experiment instead', []],
    ['STOPPED', 'stop', 'cannot stop experiment exp-1: it is STOPPED; a stopped experiment cannot be restarted; create a new experiment instead', []],
  ] as const)('%s cannot %s', (status, action, message, allowed) => {
    let error: unknown;
    try {
      transition(at(status), action as ExperimentAction, LATER);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidStateError);
    const e = error as InvalidStateError;
    expect(e.errorType).toBe('InvalidStateError');
    expect(e.message).toBe(message);
    expect(e.status).toBe(status);
    expect(e.allowed).toEqual(allowed);
  });

  it('will not start an experiment whose endDate has passed', () => {
    const current = at('PAUSED', { endDate: '2025-06-01T12:00:00.000Z' });
    expect(() => transition(current, 'start', LATER)).toThrow(ValidationError);
    try {
      transition(current, 'start', LATER);
    } catch (e) {
      expect((e as ValidationError).fields).toEqual([
        {
          field: 'endDate',
          message: 'endDate 2025-06-01T12:00:00.000Z has passed: move it later (or clear it) with updateExperiment, then start the experiment',
        },
      ]);
    }
    // Pausing or stopping is still fine.
    expect(transition(at('RUNNING', { endDate: '2025-06-01T12:00:00.000Z' }), 'stop', LATER).status).toBe('STOPPED');
  });

  it('allowedActions lists what each status allows', () => {
    expect(allowedActions('DRAFT')).toEqual(['start', 'stop']);
    expect(allowedActions('RUNNING')).toEqual(['pause', 'stop']);
    expect(allowedActions('PAUSED')).toEqual(['start', 'stop']);
    expect(allowedActions('STOPPED')).toEqual([]);
  });
});

// Drift fixed: the dashboard kept its own list of allowed actions and forbade stopping a DRAFT,
// which the domain allows. Both now read model/lifecycle.ts; this checks that the one rule is the
// one the domain applies, action by action.
describe('one lifecycle rule for the domain and the dashboard', () => {
  it('offers exactly the actions transition() accepts, including stopping a DRAFT', () => {
    expect(offered('DRAFT')).toEqual(['start', 'stop']);
    for (const status of ['DRAFT', 'RUNNING', 'PAUSED', 'STOPPED'] as const) {
      for (const action of EXPERIMENT_ACTIONS) {
        const accepted = (() => {
          try {
            transition(at(status), action, NOW);
            return true;
          } catch {
            return false;
          }
        })();
        expect(offered(status).includes(action), `${status} ${action}`).toBe(accepted);
      }
    }
    // The dashboard asks the shared rule instead of keeping a copy.
    const view = readFileSync(new URL('../../../dashboard/src/views/experiment.ts', import.meta.url), 'utf8');
    expect(view).toMatch(/import \{ allowedActions[^}]*\} from '..\/..\/..\/model\/lifecycle.ts'/);
    expect(view).not.toMatch(/function allowedActions/);
  });
});
