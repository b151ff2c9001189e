// autoStop on create and update: off by default, flags merged over the current ones, bad values rejected.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/domain/errors.ts';
import { validateCreate, validateUpdate } from '../../../lambdas/domain/experiment.ts';
import { createOptions, experiment, LATER, validInput } from '../domain/fixtures.ts';

describe('autoStop', () => {
  it('is off unless asked for, and a missing flag is off', () => {
    expect(validateCreate(validInput(), createOptions).autoStop).toEqual({ onDecision: false, onEndDate: false });
    expect(validateCreate(validInput({ autoStop: { onEndDate: true } }), createOptions).autoStop).toEqual({ onDecision: false, onEndDate: true });
  });

  it('may change while running; flags left out keep their value', () => {
    const running = experiment({ status: 'RUNNING', autoStop: { onDecision: true, onEndDate: false } });
    const next = validateUpdate(running, { id: running.id, version: running.version, autoStop: { onEndDate: true } }, { now: LATER });
    expect(next.autoStop).toEqual({ onDecision: true, onEndDate: true });
    expect(validateUpdate(running, { id: running.id, version: running.version, name: 'x' }, { now: LATER }).autoStop).toEqual(running.autoStop);
  });

  it('rejects values that are not true or false, naming the field', () => {
    const bad = () => validateCreate(validInput({ autoStop: { onDecision: 'yes' as unknown as boolean } }), createOptions);
    expect(bad).toThrow(ValidationError);
    try {
      bad();
    } catch (e) {
      expect((e as ValidationError).fields ?? (e as { problems?: unknown }).problems).toBeDefined();
      expect(JSON.stringify(e)).toMatch(/autoStop\.onDecision/);
    }
    expect(() => validateCreate(validInput({ autoStop: 'on' as never }), createOptions)).toThrow(/autoStop/);
  });
});
