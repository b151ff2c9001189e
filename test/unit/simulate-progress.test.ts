import { describe, expect, it } from 'vitest';
import {
  createProgressReporter,
  formatBar,
  formatCounters,
  formatDuration,
  formatPlainLine,
  formatProgressLine,
  type ProgressState,
} from '../../cli/simulate/progress.ts';

const state = (over: Partial<ProgressState> = {}): ProgressState => ({ done: 450, total: 1000, requests: 1500, errors: 0, elapsedMs: 10_000, ...over });

describe('progress formatting', () => {
  it('draws bars of a fixed width', () => {
    expect(formatBar(0, 10)).toBe('[>         ]');
    expect(formatBar(0.5, 10)).toBe('[=====>    ]');
    expect(formatBar(1, 10)).toBe('[==========]');
    expect(formatBar(2, 4)).toBe('[====]');
    expect(formatBar(Number.NaN, 4)).toBe('[>   ]');
    for (const f of [0, 0.13, 0.5, 0.99, 1]) expect(formatBar(f, 20)).toHaveLength(22);
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(12_400)).toBe('12s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    expect(formatDuration(-1)).toBe('?');
  });

  it('shows percent, users, requests, rate, errors and the remaining time', () => {
    expect(formatCounters(state())).toBe(' 45%  450/1000 users  1500 req  150 req/s  0 errors  ETA 12s');
    expect(formatCounters(state({ errors: 1 }))).toContain('1 error ');
    expect(formatCounters(state({ done: 1000 }))).toContain('10s elapsed');
    expect(formatCounters(state({ phase: 'waiting for the aggregator' }))).toMatch(/waiting for the aggregator$/);
  });

  it('fits a terminal line of the given width', () => {
    for (const columns of [40, 60, 80, 120, 200]) {
      const line = formatProgressLine(state(), columns);
      expect(line.length).toBeLessThanOrEqual(columns);
      expect(line.startsWith('simulate ')).toBe(true);
    }
    expect(formatProgressLine(state(), 100)).toMatch(/^simulate \[=+>\s*\]  45%  450\/1000 users/);
    expect(formatProgressLine(state(), 30)).not.toContain('[');
    // The bar keeps its width while the counters grow, so that it does not jitter.
    const bar = (line: string) => line.slice(0, line.indexOf(']') + 1).length;
    expect(bar(formatProgressLine(state({ done: 1, requests: 3 }), 110))).toBe(bar(formatProgressLine(state({ done: 999, requests: 123_456, errors: 12 }), 110)));
  });

  it('writes plain lines', () => {
    expect(formatPlainLine(state())).toBe('simulate:  45%  450/1000 users  1500 req  150 req/s  0 errors  ETA 12s');
  });
});

describe('the progress reporter', () => {
  it('redraws one line in place on a terminal, throttled, and ends it when done', () => {
    const out: string[] = [];
    let now = 0;
    const reporter = createProgressReporter({ write: (t: string) => out.push(t), isTTY: true, columns: 100 }, { now: () => now, ttyIntervalMs: 100 });
    reporter.update(state({ done: 1 }));
    now = 50;
    reporter.update(state({ done: 2 })); // throttled
    now = 150;
    reporter.update(state({ done: 3 }));
    reporter.finish(state({ done: 1000, elapsedMs: 20_000 }));
    expect(out).toHaveLength(4);
    expect(out.slice(0, 3).every((t) => t.startsWith('\r\x1b[2K') && !t.includes('\n'))).toBe(true);
    expect(out[1]).toContain('3/1000');
    expect(out[3]).toBe('\n');
  });

  it('prints plain periodic lines when not on a terminal', () => {
    const out: string[] = [];
    let now = 0;
    const reporter = createProgressReporter({ write: (t: string) => out.push(t), isTTY: false }, { now: () => now, plainIntervalMs: 2000 });
    for (let i = 0; i <= 10; i += 1) {
      now = i * 500;
      reporter.update(state({ done: i }));
    }
    reporter.finish(state({ done: 1000 }));
    expect(out.every((t) => t.endsWith('\n') && !t.includes('\r') && !t.includes('\x1b'))).toBe(true);
    expect(out).toHaveLength(4); // t = 0, 2000, 4000, and the final line
    expect(out[3]).toContain('1000/1000');
  });
});
