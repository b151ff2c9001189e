import { describe, expect, it } from 'vitest';
import { clamp, finiteIntervalOrNull, finiteOrNull } from '../../../lambdas/domain/stats/finite.ts';

describe('finiteOrNull', () => {
  it('passes finite numbers through unchanged', () => {
    for (const x of [0, -0, 1, -1.5, 1e-320, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE]) {
      expect(finiteOrNull(x)).toBe(x);
    }
  });

  it('turns NaN, ±Infinity, null and undefined into null', () => {
    for (const x of [NaN, Infinity, -Infinity, null, undefined, 0 / 0, 1 / 0, Math.log(0)]) {
      expect(finiteOrNull(x)).toBeNull();
    }
  });

  it('survives JSON: a guarded value never serialises to something else', () => {
    const values = [NaN, Infinity, 3, null].map(finiteOrNull);
    expect(JSON.parse(JSON.stringify(values))).toEqual(values);
  });
});

describe('finiteIntervalOrNull', () => {
  it('keeps an ordered finite interval', () => {
    expect(finiteIntervalOrNull(-1, 2)).toEqual([-1, 2]);
    expect(finiteIntervalOrNull(0.5, 0.5)).toEqual([0.5, 0.5]);
  });

  it('is null when either end is not finite, or the ends are reversed', () => {
    expect(finiteIntervalOrNull(NaN, 1)).toBeNull();
    expect(finiteIntervalOrNull(0, Infinity)).toBeNull();
    expect(finiteIntervalOrNull(null, 1)).toBeNull();
    expect(finiteIntervalOrNull(2, 1)).toBeNull();
  });
});

describe('clamp', () => {
  it('limits to the range', () => {
    expect(clamp(-0.1, 0, 1)).toBe(0);
    expect(clamp(1.1, 0, 1)).toBe(1);
    expect(clamp(0.3, 0, 1)).toBe(0.3);
  });
});
