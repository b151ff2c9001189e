// The experiment's lifecycle rule, declared once: the admin Lambda applies it (domain/experiment.ts
// transition) and the dashboard offers exactly the actions it allows. Pure data, APPSYNC_JS subset.
export type ExperimentStatus = 'DRAFT' | 'RUNNING' | 'PAUSED' | 'STOPPED';
export type ExperimentAction = 'start' | 'pause' | 'stop';

export const EXPERIMENT_ACTIONS: readonly ExperimentAction[] = ['start', 'pause', 'stop'];

/**
 *   DRAFT ──start──▶ RUNNING ◀──start (resume)── PAUSED
 *     │                │  └──────pause─────────▶   │
 *     └──stop──▶ STOPPED ◀──stop──┴────────stop────┘
 * A DRAFT may be stopped (discarded without ever running); STOPPED is final.
 */
export const TRANSITIONS: Record<ExperimentStatus, Partial<Record<ExperimentAction, ExperimentStatus>>> = {
  DRAFT: { start: 'RUNNING', stop: 'STOPPED' },
  RUNNING: { pause: 'PAUSED', stop: 'STOPPED' },
  PAUSED: { start: 'RUNNING', stop: 'STOPPED' },
  STOPPED: {},
};

/** The status an action leads to, or undefined when the status does not allow it. */
export function nextStatus(status: ExperimentStatus, action: ExperimentAction): ExperimentStatus | undefined {
  const next = TRANSITIONS[status] ?? {};
  return next[action];
}

/** The actions allowed in a status, in the order start, pause, stop. */
export function allowedActions(status: ExperimentStatus): ExperimentAction[] {
  const allowed: ExperimentAction[] = [];
  for (const a of EXPERIMENT_ACTIONS) {
    if (nextStatus(status, a) !== undefined) allowed.push(a);
  }
  return allowed;
}
