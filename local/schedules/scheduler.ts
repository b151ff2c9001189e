// Runs the manifest's schedules locally: each on its own timer, invoking the Lambda's handler with
// the event EventBridge Scheduler sends. A run never overlaps the previous one of the same schedule
// (a slow run delays the next tick instead of stacking up), and a failed run is retried like
// Scheduler's retry policy, then logged as the dead-letter queue would keep it.
import type { ScheduleDefinition } from '../../resolvers/manifest-types.ts';

export type ScheduledHandler = (event: ScheduledEvent, context?: unknown) => Promise<unknown>;

/** The shape of an EventBridge Scheduler invocation of a Lambda (the default input). */
export interface ScheduledEvent {
  'detail-type': 'Scheduled Event';
  source: 'aws.scheduler';
  id: string;
  time: string;
  resources: string[];
  detail: Record<string, never>;
}

export interface SchedulerOptions {
  schedules: ScheduleDefinition[];
  load: (lambdaId: string) => Promise<ScheduledHandler>;
  /** Overrides every schedule's rate (milliseconds); SPLITLOOP_SCHEDULE_RATE via parseRate. */
  rateMs?: number;
  /** Called with a run that failed all its attempts (stands in for the dead-letter queue). */
  onFailure?: (schedule: ScheduleDefinition, error: unknown) => void;
}

export interface ScheduleStats {
  runs: number;
  failures: number;
  lastRunMs?: number;
}

export interface Scheduler {
  stats: Record<string, ScheduleStats>;
  /** Runs a schedule now (waiting for a run in progress first); resolves with the handler's answer. */
  runNow(scheduleId: string): Promise<unknown>;
  stop(): Promise<void>;
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `2s`, `500ms`, `5m`, `1h` → milliseconds; undefined for an empty value. */
export function parseRate(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(value);
  const ms = match ? Number(match[1]) * UNITS[match[2]!]! : NaN;
  if (!(ms >= 100)) throw new Error(`SPLITLOOP_SCHEDULE_RATE must be a duration of at least 100ms such as 2s, 500ms, 5m or 1h; got "${value}"`);
  return ms;
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  let running = true;
  const stats: Record<string, ScheduleStats> = {};
  const inFlight = new Map<string, Promise<unknown>>();
  const timers = new Map<string, NodeJS.Timeout>();
  const busy = new Set<string>();

  const invoke = async (s: ScheduleDefinition): Promise<unknown> => {
    const handler = await options.load(s.lambda);
    const event: ScheduledEvent = {
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      id: crypto.randomUUID(),
      time: new Date().toISOString(),
      resources: [`local:schedule/${s.id}`],
      detail: {},
    };
    const context = { functionName: s.lambda, awsRequestId: event.id, getRemainingTimeInMillis: () => 60_000 };
    let lastError: unknown;
    for (let attempt = 0; attempt <= s.retryAttempts && running; attempt += 1) {
      try {
        return await handler(event, context);
      } catch (error) {
        lastError = error;
      }
    }
    stats[s.id]!.failures += 1;
    (options.onFailure ?? ((def, e) => console.error(`schedule ${def.id} failed`, e)))(s, lastError);
    return undefined;
  };

  const run = (s: ScheduleDefinition): Promise<unknown> => {
    const previous = inFlight.get(s.id) ?? Promise.resolve();
    busy.add(s.id);
    const next = previous.then(async () => {
      const started = Date.now();
      try {
        return await invoke(s);
      } finally {
        if (inFlight.get(s.id) === settled) busy.delete(s.id);
        stats[s.id]!.runs += 1;
        stats[s.id]!.lastRunMs = Date.now() - started;
      }
    });
    const settled = next.catch(() => undefined);
    inFlight.set(s.id, settled);
    return next;
  };

  const arm = (s: ScheduleDefinition) => {
    const every = options.rateMs ?? s.rateMinutes * 60_000;
    const tick = () => {
      if (!running) return;
      // Skip a tick while the previous run is still going, as a single-concurrency schedule would.
      if (!busy.has(s.id)) void run(s).catch(() => undefined);
      timers.set(s.id, setTimeout(tick, every));
    };
    timers.set(s.id, setTimeout(tick, every));
  };

  for (const s of options.schedules) {
    stats[s.id] = { runs: 0, failures: 0 };
    arm(s);
  }

  return {
    stats,
    runNow(scheduleId) {
      const s = options.schedules.find((d) => d.id === scheduleId);
      if (!s) return Promise.reject(new Error(`no schedule ${scheduleId}`));
      return run(s);
    },
    async stop() {
      running = false;
      for (const t of timers.values()) clearTimeout(t);
      await Promise.all(inFlight.values());
    },
  };
}
