// The alert and auto-stop rules of the scheduled analysis, and the snapshot it computes.
import { describe, expect, it } from 'vitest';
import { analyzePartition, type Analysis } from '../../../lambdas/analysis/compute.ts';
import { alertsToRaise, autoStopReason } from '../../../lambdas/analysis/rules.ts';
import { emptyTotals } from '../../../lambdas/aggregate/fold.ts';
import { totalsKey, type ExperimentPartition } from '../../../lambdas/store/stores.ts';
import { experiment } from '../domain/fixtures.ts';

const NOW = new Date('2025-06-10T00:00:00.000Z');

function partition(users: Record<string, [number, number]>, overrides = {}): ExperimentPartition {
  const e = experiment({
    status: 'RUNNING',
    variants: [
      { key: 'A', name: 'A', weight: 0.5, config: null },
      { key: 'B', name: 'B', weight: 0.5, config: null },
    ],
    ...overrides,
  });
  const totals = new Map(Object.entries(users).map(([k, [n, c]]) => [totalsKey(1, k), { ...emptyTotals(), exposures: n, convertingReferrers: c, referrers: c }]));
  return { experiment: e, totals, readouts: new Map(), updatedAt: e.updatedAt };
}

const analysis = (p: ExperimentPartition, previous = {}): Analysis => analyzePartition(p, previous, NOW);

describe('analyzePartition', () => {
  it('carries the running minimum of the always-valid p-value from the previous look', () => {
    const early = analysis(partition({ A: [2000, 200], B: [2000, 300] }));
    const pEarly = early.snapshot.variants[1]!.sequentialPValue!;
    const late = analysis(partition({ A: [16000, 1600], B: [16000, 1620] }), { B: pEarly });
    const alone = analysis(partition({ A: [16000, 1600], B: [16000, 1620] }));
    expect(alone.snapshot.variants[1]!.sequentialPValue!).toBeGreaterThan(pEarly);
    expect(late.snapshot.variants[1]!.sequentialPValue).toBe(pEarly);
    expect(early.snapshot.variants[0]).toMatchObject({ key: 'A', decision: null, sequentialPValue: null });
  });
});

describe('alertsToRaise', () => {
  it('raises SRM for a skewed split, once per phase', () => {
    const p = partition({ A: [1000, 100], B: [1300, 130] });
    const a = analysis(p);
    expect(alertsToRaise(p.experiment, a, new Set(), NOW).map((d) => d.kind)).toEqual(['SRM']);
    expect(alertsToRaise(p.experiment, a, new Set(['SRM']), NOW)).toEqual([]);
  });

  it('raises DECISION_REACHED and GUARDRAIL for a treatment clearly worse than the control', () => {
    const p = partition({ A: [5000, 600], B: [5000, 400] });
    const kinds = alertsToRaise(p.experiment, analysis(p), new Set(), NOW).map((d) => d.kind);
    expect(kinds).toEqual(['DECISION_REACHED', 'GUARDRAIL']);
  });

  it('raises nothing for a balanced, undecided experiment; END_DATE once the end date passed', () => {
    const p = partition({ A: [1000, 100], B: [1000, 102] });
    expect(alertsToRaise(p.experiment, analysis(p), new Set(), NOW)).toEqual([]);
    const ended = partition({ A: [1000, 100], B: [1000, 102] }, { endDate: '2025-06-09T00:00:00.000Z' });
    expect(alertsToRaise(ended.experiment, analysis(ended), new Set(), NOW).map((d) => d.kind)).toEqual(['END_DATE']);
  });
});

describe('autoStopReason', () => {
  const ended = { endDate: '2025-06-09T00:00:00.000Z' };
  it('is off by default and never stops a paused experiment', () => {
    const p = partition({ A: [1000, 100], B: [1000, 102] }, ended);
    expect(autoStopReason(p.experiment, analysis(p), NOW)).toBeNull();
    const paused = partition({ A: [1000, 100], B: [1000, 102] }, { ...ended, status: 'PAUSED', autoStop: { onDecision: true, onEndDate: true } });
    expect(autoStopReason(paused.experiment, analysis(paused), NOW)).toBeNull();
  });

  it('stops on the end date or when every treatment has a decision, as configured', () => {
    const p = partition({ A: [1000, 100], B: [1000, 102] }, { ...ended, autoStop: { onDecision: false, onEndDate: true } });
    expect(autoStopReason(p.experiment, analysis(p), NOW)).toMatch(/end date/);
    const decided = partition({ A: [5000, 600], B: [5000, 400] }, { autoStop: { onDecision: true, onEndDate: false } });
    expect(autoStopReason(decided.experiment, analysis(decided), NOW)).toMatch(/B TREATMENT_WORSE/);
    const undecided = partition({ A: [1000, 100], B: [1000, 102] }, { autoStop: { onDecision: true, onEndDate: false } });
    expect(autoStopReason(undecided.experiment, analysis(undecided), NOW)).toBeNull();
  });
});
