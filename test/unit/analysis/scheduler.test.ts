// The local scheduler: rates, ticks that never overlap, retries then the failure hook.
import { afterEach, describe, expect, it } from 'vitest';
import { parseRate, startScheduler, type Scheduler } from '../../../local/schedules/scheduler.ts';

const schedule = { id: 's', lambda: 'fn', rateMinutes: 15, description: 'test', retryAttempts: 1 };
let scheduler: Scheduler | undefined;
afterEach(async () => scheduler?.stop());

describe('parseRate', () => {
  it('reads 2s, 500ms, 5m, 1h and rejects the rest', () => {
    expect([parseRate('2s'), parseRate('500ms'), parseRate('5m'), parseRate('1h'), parseRate(''), parseRate(undefined)]).toEqual([2000, 500, 300_000, 3_600_000, undefined, undefined]);
    expect(() => parseRate('fast')).toThrow(/SPLITLOOP_SCHEDULE_RATE must be a duration/);
    expect(() => parseRate('10ms')).toThrow(/at least 100ms/);
  });
});

describe('startScheduler', () => {
  it('ticks at the overridden rate with the Scheduler event, one run at a time', async () => {
    let active = 0;
    let maxActive = 0;
    const events: unknown[] = [];
    scheduler = startScheduler({
      schedules: [schedule],
      rateMs: 100,
      load: async () => async (event) => {
        events.push(event);
        active += 1;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 250)); // slower than the rate
        active -= 1;
      },
    });
    await new Promise((r) => setTimeout(r, 900));
    await scheduler.stop();
    expect(maxActive).toBe(1);
    expect(scheduler.stats.s!.runs).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.scheduler', resources: ['local:schedule/s'] });
  });

  it('retries a failed run retryAttempts times, then reports it like a dead-letter queue', async () => {
    let calls = 0;
    const failed: unknown[] = [];
    scheduler = startScheduler({
      schedules: [schedule],
      load: async () => async () => {
        calls += 1;
        throw new Error('boom');
      },
      onFailure: (_s, error) => failed.push(error),
    });
    await scheduler.runNow('s');
    expect(calls).toBe(2);
    expect(failed).toHaveLength(1);
    expect(scheduler.stats.s).toMatchObject({ runs: 1, failures: 1 });
  });
});
