import { describe, expect, it } from 'vitest';
import { currentPhase, phaseNumbered, phasesAfterUpdate, phasesAtFirstStart, phasesAtStop, phasesOf } from '../../../model/phases.ts';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-15T00:00:00.000Z';
const T2 = '2026-01-29T00:00:00.000Z';
const variants = (a: number, b: number) => [{ key: 'A', weight: a }, { key: 'B', weight: b }];

describe('phases', () => {
  const started = { variants: variants(0.9, 0.1), coverage: 1, startedAt: T0, phases: phasesAtFirstStart({ variants: variants(0.9, 0.1), coverage: 1, startedAt: null }, T0) };

  it('phase 1 begins at the first start with the weights and coverage of that moment', () => {
    expect(started.phases).toEqual([{ number: 1, startedAt: T0, endedAt: null, weights: [{ key: 'A', weight: 0.9 }, { key: 'B', weight: 0.1 }], coverage: 1 }]);
    expect(currentPhase({ variants: variants(0.5, 0.5), coverage: 1, startedAt: null })).toBeNull();
  });

  it('a weight change after start opens phase 2 and ends phase 1', () => {
    const phases = phasesAfterUpdate(started, { ...started, variants: variants(0.5, 0.5) }, T1);
    expect(phases).toEqual([
      { number: 1, startedAt: T0, endedAt: T1, weights: [{ key: 'A', weight: 0.9 }, { key: 'B', weight: 0.1 }], coverage: 1 },
      { number: 2, startedAt: T1, endedAt: null, weights: [{ key: 'A', weight: 0.5 }, { key: 'B', weight: 0.5 }], coverage: 1 },
    ]);
    const e = { ...started, variants: variants(0.5, 0.5), phases };
    expect(currentPhase(e)!.number).toBe(2);
    expect(phaseNumbered(e, 1)!.weights).toEqual([{ key: 'A', weight: 0.9 }, { key: 'B', weight: 0.1 }]);
    expect(phaseNumbered(e, 3)).toBeNull();
    expect(phasesAtStop(e, T2)[1]!.endedAt).toBe(T2);
  });

  it('a coverage-only change, or the same weights in another order, stays in the phase', () => {
    expect(phasesAfterUpdate(started, { ...started, coverage: 0.5 }, T1)).toEqual(started.phases);
    expect(phasesAfterUpdate(started, { ...started, variants: [...variants(0.9, 0.1)].reverse() }, T1)).toEqual(started.phases);
  });

  it('a change of variants opens a phase too', () => {
    const phases = phasesAfterUpdate(started, { ...started, variants: [...variants(0.8, 0.1), { key: 'C', weight: 0.1 }] }, T1);
    expect(phases.map((p) => p.number)).toEqual([1, 2]);
    expect(phases[1]!.weights).toEqual([{ key: 'A', weight: 0.8 }, { key: 'B', weight: 0.1 }, { key: 'C', weight: 0.1 }]);
  });

  it('an experiment started before phases existed has one phase from its start', () => {
    expect(phasesOf({ variants: variants(0.5, 0.5), coverage: 0.8, startedAt: T0, stoppedAt: null })).toEqual([{ number: 1, startedAt: T0, endedAt: null, weights: [{ key: 'A', weight: 0.5 }, { key: 'B', weight: 0.5 }], coverage: 0.8 }]);
    expect(phasesOf({ variants: variants(0.5, 0.5), coverage: 1, startedAt: null })).toEqual([]);
  });
});
