// Totals' sums of squares pass 2^53: the marshaller refuses such a plain number ("Use NumberValue"),
// so the aggregator writes it as a NumberValue of its exact digits.
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { numberForWrite } from '../../../lambdas/store/table.ts';

describe('numberForWrite', () => {
  it('writes numbers above 2^53 exactly, where a plain number is refused', () => {
    const big = 2 ** 60 + 2 ** 10;
    expect(() => marshall({ v: big })).toThrow(/NumberValue/);
    expect(marshall({ v: numberForWrite(big) })).toEqual({ v: { N: '1152921504606848000' } });
  });

  it('keeps safe integers and fractions as plain numbers', () => {
    expect(numberForWrite(42)).toBe(42);
    expect(numberForWrite(12.5)).toBe(12.5);
    expect(marshall({ v: numberForWrite(-7) })).toEqual({ v: { N: '-7' } });
  });
});
