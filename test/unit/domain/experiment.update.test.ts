import { describe, expect, it } from 'vitest';
import { ConflictError, FrozenFieldError, InvalidStateError, ValidationError } from '../../../lambdas/domain/errors.ts';
import { validateUpdate, type Experiment, type UpdateExperimentInput } from '../../../lambdas/domain/experiment.ts';
import { LATER, deepFreeze, experiment, running } from './fixtures.ts';

const update = (current: Experiment, changes: Omit<UpdateExperimentInput, 'id' | 'version'> & { version?: number }) =>
  validateUpdate(deepFreeze(current), { id: current.id, version: current.version, ...changes }, { now: LATER });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

const sameVariants = (current: Experiment) => current.variants.map((v) => ({ ...v }));

describe('validateUpdate: optimistic locking and state', () => {
  it('rejects a stale version with ConflictError', () => {
    const e = thrown(() => update(experiment({ version: 4 }), { version: 3, name: 'x' }));
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).errorType).toBe('ConflictError');
    expect((e as ConflictError).message).toBe(
      'experiment exp-1 was changed by someone else: you sent version 3, current is 4; reload and retry',
    );
    expect((e as ConflictError).errorInfo).toEqual({ sentVersion: 3, currentVersion: 4 });
  });

  it('requires a whole-number version', () => {
    const e = thrown(() => update(experiment(), { version: undefined as unknown as number }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).fields).toEqual([
      { field: 'version', message: 'version must be the whole number you read with the experiment (got nothing); the current one is 4' },
    ]);
  });

  it('refuses any change to a STOPPED experiment', () => {
    const e = thrown(() => update(experiment({ status: 'STOPPED' }), { name: 'x' }));
    expect(e).toBeInstanceOf(InvalidStateError);
    expect((e as InvalidStateError).message).toBe(
      'experiment exp-1 is STOPPED: a stopped experiment cannot be changed; create a new experiment instead',
    );
  });

  it('bumps version and updatedAt, keeps id and createdAt, does not mutate its input', () => {
    const current = experiment();
    const next = update(current, { name: 'Renamed' });
    expect(next).toEqual({ ...current, name: 'Renamed', version: 5, updatedAt: LATER.toISOString() });
  });
});

describe('validateUpdate in DRAFT: every field may change', () => {
  it('changes variants, control, salt, attribution window and the rest', () => {
    const next = update(experiment(), {
      name: ' New name ',
      description: 'Why',
      variants: [
        { key: 'X', name: 'Copy X', weight: 0.25, config: { copy: 'Invite friends' } },
        { key: 'Y', name: 'Copy Y', weight: 0.75 },
      ],
      control: 'X',
      salt: 'new-salt',
      coverage: 0.5,
      attributionWindowDays: 14,
      minimumDetectableEffect: 0.2,
      endDate: '2025-12-31T00:00:00Z',
    });
    expect(next).toMatchObject({
      name: 'New name',
      description: 'Why',
      variants: [
        { key: 'X', name: 'Copy X', weight: 0.25, config: '{"copy":"Invite friends"}' },
        { key: 'Y', name: 'Copy Y', weight: 0.75, config: null },
      ],
      control: 'X',
      salt: 'new-salt',
      coverage: 0.5,
      attributionWindowDays: 14,
      minimumDetectableEffect: 0.2,
      endDate: '2025-12-31T00:00:00.000Z',
      status: 'DRAFT',
    });
  });

  it('absent or null leaves a field; null clears the nullable ones', () => {
    const current = experiment({ description: 'd', minimumDetectableEffect: 0.1, endDate: '2026-01-01T00:00:00.000Z' });
    const kept = update(current, { name: null, variants: null, control: null, salt: null, coverage: null, attributionWindowDays: null });
    expect(kept).toEqual({ ...current, version: 5, updatedAt: LATER.toISOString() });
    const cleared = update(current, { description: null, minimumDetectableEffect: null, endDate: null });
    expect(cleared).toMatchObject({ description: null, minimumDetectableEffect: null, endDate: null });
  });

  it('validates the result as a whole, reporting every problem', () => {
    const e = thrown(() =>
      update(experiment(), {
        name: '',
        variants: [
          { key: 'A', name: 'A', weight: 0.5 },
          { key: 'B', name: 'B', weight: 0.6 },
        ],
        coverage: 0,
      }),
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).message).toMatch(/^Cannot update the experiment: /);
    expect((e as ValidationError).fields.map((f) => f.field)).toEqual(['name', 'variants', 'coverage']);
  });

  it('checks the control against the new variants', () => {
    const e = thrown(() =>
      update(experiment(), {
        variants: [
          { key: 'X', name: 'X', weight: 0.5 },
          { key: 'Y', name: 'Y', weight: 0.5 },
        ],
      }),
    );
    expect((e as ValidationError).fields).toEqual([
      { field: 'control', message: 'control "A" is not one of the variant keys (X, Y): set it to the key of the control variant' },
    ]);
  });
});

describe('validateUpdate once started (RUNNING or PAUSED)', () => {
  it('changes weights of the same keys in the same order', () => {
    const current = running();
    const variants = sameVariants(current).map((v, i) => ({ ...v, weight: [0.2, 0.3, 0.5][i] }));
    const next = update(current, { variants });
    expect(next.variants.map((v) => [v.key, v.weight])).toEqual([
      ['A', 0.2],
      ['B', 0.3],
      ['C', 0.5],
    ]);
    expect(next.variants.map((v) => v.config)).toEqual(current.variants.map((v) => v.config));
  });

  it('matches variants by key when sent in another order, and keeps the stored order', () => {
    const current = running();
    const [a, b, c] = sameVariants(current);
    const next = update(current, { variants: [{ ...c, weight: 0.6 }, { ...a, weight: 0.2 }, { ...b, weight: 0.2 }] });
    expect(next.variants.map((v) => [v.key, v.weight])).toEqual([
      ['A', 0.2],
      ['B', 0.2],
      ['C', 0.6],
    ]);
  });

  it('changes name, description, coverage, endDate and minimumDetectableEffect', () => {
    const next = update(running(), {
      name: 'Bigger rewards',
      description: 'now with notes',
      coverage: 0.3,
      endDate: '2025-09-01T00:00:00Z',
      minimumDetectableEffect: 0.05,
    });
    expect(next).toMatchObject({
      name: 'Bigger rewards',
      description: 'now with notes',
      coverage: 0.3,
      endDate: '2025-09-01T00:00:00.000Z',
      minimumDetectableEffect: 0.05,
      status: 'RUNNING',
      version: 5,
    });
  });

  it('accepts the whole form sent back with frozen fields unchanged', () => {
    const current = running();
    const next = update(current, {
      name: current.name,
      variants: current.variants.map((v) => ({ ...v, config: v.config === null ? null : JSON.parse(v.config) })),
      control: current.control,
      salt: current.salt,
      attributionWindowDays: current.attributionWindowDays,
      coverage: current.coverage,
    });
    expect(next).toEqual({ ...current, version: 5, updatedAt: LATER.toISOString() });
    // The same config with other whitespace is not a change either.
    const spaced = sameVariants(current).map((v) => ({ ...v, config: v.config === null ? null : JSON.stringify(JSON.parse(v.config), null, 2) }));
    expect(update(current, { variants: spaced }).variants).toEqual(current.variants);
  });

  it.each([
    ['control', { control: 'B' }, 'control', /^control cannot change after the experiment started \(it is RUNNING\): it is "A", every result is measured against it; stop this experiment and create a new one to use another control$/],
    ['salt', { salt: 'other' }, 'salt', /^salt cannot change after the experiment started \(it is RUNNING\): a new salt would move users to other variants; leave it out$/],
    ['attributionWindowDays', { attributionWindowDays: 7 }, 'attributionWindowDays', /^attributionWindowDays cannot change after the experiment started \(it is RUNNING\): it is 30 days/],
    ['currency', { currency: 'EUR' }, 'currency', /^currency cannot change after the experiment started \(it is RUNNING\): it is USD/],
  ] as const)('freezes %s', (_name, changes, field, message) => {
    const e = thrown(() => update(running(), changes));
    expect(e).toBeInstanceOf(FrozenFieldError);
    const error = e as FrozenFieldError;
    expect(error.errorType).toBe('FrozenFieldError');
    expect(error.field).toBe(field);
    expect(error.fields).toHaveLength(1);
    expect(error.fields[0].message).toMatch(message);
    expect(error.message).toBe(error.fields[0].message);
  });

  it('freezes the variant keys: renamed, added or removed', () => {
    const current = running();
    const renamed = sameVariants(current).map((v) => (v.key === 'C' ? { ...v, key: 'D' } : v));
    const removed = sameVariants(current).slice(0, 2).map((v) => ({ ...v, weight: 0.5 }));
    const added = [...sameVariants(current).map((v) => ({ ...v, weight: 0.25 })), { key: 'D', name: 'D', weight: 0.25 }];
    for (const variants of [renamed, removed, added]) {
      const e = thrown(() => update(current, { variants })) as FrozenFieldError;
      expect(e).toBeInstanceOf(FrozenFieldError);
      expect(e.field).toBe('variants');
      expect(e.message).toMatch(
        /^variant keys cannot change after the experiment started \(it is RUNNING\): they are A, B, C and you sent .+; send the same keys, only their weights may change$/,
      );
    }
  });

  it('freezes variant names and configs, naming the index sent', () => {
    const current = running();
    const [a, b, c] = sameVariants(current);
    const e = thrown(() =>
      update(current, { variants: [c, { ...b, name: 'Reward $12' }, { ...a, config: '{"rewardUsd":6}' }] }),
    ) as FrozenFieldError;
    expect(e).toBeInstanceOf(FrozenFieldError);
    expect(e.fields.map((f) => f.field)).toEqual(['variants[1].name', 'variants[2].config']);
    expect(e.fields[0].message).toBe(
      'variants[1].name (variant "B") cannot change after the experiment started (it is RUNNING): it is "Reward $10"; only weights may change',
    );
    expect(e.fields[1].message).toMatch(/^variants\[2\]\.config \(variant "A"\) cannot change after the experiment started/);
  });

  it('reports every frozen field together', () => {
    const e = thrown(() => update(running({ status: 'PAUSED' }), { control: 'B', salt: 'x', attributionWindowDays: 60, name: 'fine' }));
    expect(e).toBeInstanceOf(FrozenFieldError);
    expect((e as FrozenFieldError).fields.map((f) => f.field)).toEqual(['control', 'salt', 'attributionWindowDays']);
    expect((e as FrozenFieldError).message).toContain('(it is PAUSED)');
  });

  it('still validates the allowed changes, naming the indexes sent', () => {
    const current = running();
    const [a, b, c] = sameVariants(current);
    const e = thrown(() => update(current, { variants: [c, a, { ...b, weight: -1 }], coverage: 5 })) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.fields.map((f) => f.field)).toEqual(['variants[2].weight', 'coverage']);
    const sum = thrown(() => update(current, { variants: [a, b, { ...c, weight: 0.5 }] })) as ValidationError;
    expect(sum.fields).toEqual([
      { field: 'variants', message: 'variant weights add up to 1.3: change them so that they add up to 1 (e.g. 0.5 and 0.5)' },
    ]);
  });
});

describe('validateUpdate and endDate', () => {
  it('checks that endDate is in the future only when it changes', () => {
    const current = running({ endDate: '2025-06-01T00:00:00.000Z' }); // already past at LATER
    expect(update(current, { name: 'x' }).endDate).toBe('2025-06-01T00:00:00.000Z');
    expect(update(current, { endDate: '2025-06-01T02:00:00+02:00' }).endDate).toBe('2025-06-01T00:00:00.000Z');
    const e = thrown(() => update(current, { endDate: '2025-06-02T00:00:00Z' })) as ValidationError;
    expect(e.fields).toEqual([
      {
        field: 'endDate',
        message:
          'endDate 2025-06-02T00:00:00.000Z is not in the future (now is 2025-06-02T08:30:00.000Z): choose a later date, or null for none',
      },
    ]);
    expect(update(current, { endDate: '2025-07-01T00:00:00Z' }).endDate).toBe('2025-07-01T00:00:00.000Z');
  });

  it('rejects a malformed endDate', () => {
    const e = thrown(() => update(experiment(), { endDate: '31/12/2025' })) as ValidationError;
    expect(e.fields.map((f) => f.field)).toEqual(['endDate']);
  });
});
