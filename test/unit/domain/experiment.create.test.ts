import { describe, expect, it, vi } from 'vitest';
import { ValidationError, type FieldProblem } from '../../../lambdas/domain/errors.ts';
import { validateCreate, type CreateExperimentInput } from '../../../lambdas/domain/experiment.ts';
import { DEFAULT_FRAUD_SETTINGS } from '../../../lambdas/domain/referrals/fraud.ts';
import { NOW, createOptions, deepFreeze, validInput } from './fixtures.ts';

function problemsOf(input: CreateExperimentInput): FieldProblem[] {
  try {
    validateCreate(input, createOptions);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).fields;
  }
  throw new Error('expected a ValidationError');
}

/** Exactly one problem, on this field, with a message matching. */
function expectProblem(input: CreateExperimentInput, field: string, message: string | RegExp): void {
  const problems = problemsOf(input);
  expect(problems).toHaveLength(1);
  expect(problems[0].field).toBe(field);
  if (typeof message === 'string') expect(problems[0].message).toBe(message);
  else expect(problems[0].message).toMatch(message);
}

const twoVariants = (a: Record<string, unknown> = {}, b: Record<string, unknown> = {}) =>
  [
    { key: 'A', name: 'Reward $5', weight: 0.5, ...a },
    { key: 'B', name: 'Reward $10', weight: 0.5, ...b },
  ] as CreateExperimentInput['variants'];

describe('validateCreate: a valid input', () => {
  it('returns a DRAFT experiment, version 1, with defaults and normalized values', () => {
    const input = deepFreeze(validInput({ name: '  Referral reward  ', description: '   ' }));
    const exp = validateCreate(input, createOptions);
    expect(exp).toEqual({
      id: 'exp-1',
      name: 'Referral reward',
      description: null,
      status: 'DRAFT',
      variants: [
        { key: 'A', name: 'Reward $5', weight: 0.5, config: '{"rewardUsd":5}' },
        { key: 'B', name: 'Reward $10', weight: 0.5, config: '{"rewardUsd":10}' },
      ],
      control: 'A',
      salt: 'generated-salt',
      coverage: 1,
      attributionWindowDays: 30,
      currency: 'USD',
      minimumDetectableEffect: null,
      goalMetric: 'CONVERTING_REFERRER_RATE',
      fraudRules: DEFAULT_FRAUD_SETTINGS,
      endDate: null,
      autoStop: { onDecision: false, onEndDate: false },
      startedAt: null,
      stoppedAt: null,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      version: 1,
    });
  });

  it('keeps given optional values', () => {
    const exp = validateCreate(
      validInput({
        salt: 'my-salt',
        coverage: 0.25,
        attributionWindowDays: 7,
        minimumDetectableEffect: 0.1,
        endDate: '2025-07-01T02:00:00+02:00',
      }),
      createOptions,
    );
    expect(exp).toMatchObject({
      salt: 'my-salt',
      coverage: 0.25,
      attributionWindowDays: 7,
      minimumDetectableEffect: 0.1,
      endDate: '2025-07-01T00:00:00.000Z',
    });
  });

  it('calls the salt generator only when no salt is given', () => {
    const generateSalt = vi.fn(() => 'fresh');
    expect(validateCreate(validInput(), { ...createOptions, generateSalt }).salt).toBe('fresh');
    expect(validateCreate(validInput({ salt: null }), { ...createOptions, generateSalt }).salt).toBe('fresh');
    validateCreate(validInput({ salt: 'given' }), { ...createOptions, generateSalt });
    expect(generateSalt).toHaveBeenCalledTimes(2);
  });

  it('accepts config as JSON text or as the value AppSync already parsed, stored as compact JSON text', () => {
    const exp = validateCreate(
      validInput({
        variants: twoVariants({ config: '{\n  "rewardUsd": 5,\n  "copy": "Give $5"\n}' }, { config: { rewardUsd: 10, channels: ['SMS'] } }),
      }),
      createOptions,
    );
    expect(exp.variants.map((v) => v.config)).toEqual(['{"rewardUsd":5,"copy":"Give $5"}', '{"rewardUsd":10,"channels":["SMS"]}']);
    const none = validateCreate(validInput({ variants: twoVariants({ config: null }, { config: 'null' }) }), createOptions);
    expect(none.variants.map((v) => v.config)).toEqual([null, null]);
  });

  it('accepts the limits themselves', () => {
    const tenVariants = Array.from({ length: 10 }, (_, i) => ({ key: `v${i}`, name: `V${i}`, weight: 0.1 }));
    const exp = validateCreate(
      validInput({
        name: 'n'.repeat(200),
        description: 'd'.repeat(2000),
        variants: [...tenVariants.slice(0, 9), { key: 'k'.repeat(64), name: 'x'.repeat(200), weight: 0.1, config: `"${'c'.repeat(4094)}"` }],
        control: 'v0',
        salt: 's'.repeat(64),
        coverage: 1,
        attributionWindowDays: 90,
        minimumDetectableEffect: 10,
      }),
      createOptions,
    );
    expect(exp.variants).toHaveLength(10);
    expect(validateCreate(validInput({ attributionWindowDays: 1, coverage: 0.0001 }), createOptions).attributionWindowDays).toBe(1);
  });

  it('accepts weights whose float sum is 1 within 1e-9', () => {
    const variants = [
      { key: 'a', name: 'a', weight: 0.1 },
      { key: 'b', name: 'b', weight: 0.2 },
      { key: 'c', name: 'c', weight: 0.7 },
    ];
    expect(validateCreate(validInput({ variants, control: 'a' }), createOptions).variants).toHaveLength(3);
  });

  it('counts name length in characters, not UTF-16 units', () => {
    expect(validateCreate(validInput({ name: '🎉'.repeat(200) }), createOptions).name).toHaveLength(400);
  });
});

describe('validateCreate: every rule, with its message', () => {
  it('name is required, 1–200 characters after trimming', () => {
    expectProblem(validInput({ name: undefined as unknown as string }), 'name', 'name is required: give the experiment a name of 1–200 characters');
    expectProblem(validInput({ name: '   ' }), 'name', 'name is empty: give the experiment a name of 1–200 characters');
    expectProblem(validInput({ name: 'n'.repeat(201) }), 'name', 'name is 201 characters long: shorten it to at most 200');
  });

  it('description is at most 2000 characters', () => {
    expectProblem(validInput({ description: 'd'.repeat(2001) }), 'description', 'description is 2001 characters long: shorten it to at most 2000');
    expectProblem(validInput({ description: 42 as unknown as string }), 'description', 'description must be text (got 42): send a string, or null for none');
  });

  it('2 to 10 variants', () => {
    expectProblem(validInput({ variants: undefined as unknown as [] }), 'variants', 'variants is required: give 2 to 10 variants, a control and the alternatives to test');
    expectProblem(
      validInput({ variants: [{ key: 'A', name: 'A', weight: 1 }] }),
      'variants',
      'variants has 1 variant: an experiment needs 2 to 10 (a control and at least one alternative)',
    );
    const eleven = Array.from({ length: 11 }, (_, i) => ({ key: i === 0 ? 'A' : `v${i}`, name: `V${i}`, weight: 1 / 11 }));
    expectProblem(validInput({ variants: eleven }), 'variants', 'variants has 11 variants: remove some, at most 10 are allowed');
  });

  it('variant keys: 1–64 letters, digits, _ or -', () => {
    expectProblem(
      validInput({ variants: twoVariants({}, { key: '' }) }),
      'variants[1].key',
      'variants[1].key is empty: give each variant a key of 1–64 letters, digits, _ or -',
    );
    // (control "A" still matches variants[0])
    expectProblem(
      validInput({ variants: twoVariants({}, { key: 'k'.repeat(65) }) }),
      'variants[1].key',
      'variants[1].key is 65 characters long: shorten it to at most 64',
    );
    expectProblem(
      validInput({ variants: twoVariants({}, { key: 'big reward' }) }),
      'variants[1].key',
      'variants[1].key "big reward" has characters other than letters, digits, _ and -: give each variant a key of 1–64 letters, digits, _ or -',
    );
    expectProblem(
      validInput({ variants: twoVariants({}, { key: undefined }) }),
      'variants[1].key',
      'variants[1].key is missing: give each variant a key of 1–64 letters, digits, _ or -',
    );
  });

  it('variant keys are unique', () => {
    expectProblem(
      validInput({ variants: twoVariants({}, { key: 'A' }) }),
      'variants[1].key',
      'variants[1].key "A" is already used by variants[0]: give each variant its own key',
    );
  });

  it('variant names: 1–200 characters after trimming', () => {
    expectProblem(validInput({ variants: twoVariants({ name: ' ' }) }), 'variants[0].name', 'variants[0].name is empty: give the variant a name of 1–200 characters');
    expectProblem(
      validInput({ variants: twoVariants({ name: 'x'.repeat(201) }) }),
      'variants[0].name',
      'variants[0].name is 201 characters long: shorten it to at most 200',
    );
  });

  it('weights are finite numbers from 0 to 1', () => {
    for (const bad of [-0.1, Number.NaN, Number.POSITIVE_INFINITY, 1.5, '0.5']) {
      const problems = problemsOf(validInput({ variants: twoVariants({ weight: bad }) }));
      expect(problems).toHaveLength(1);
      expect(problems[0].field).toBe('variants[0].weight');
      expect(problems[0].message).toMatch(/^variants\[0\]\.weight must be a number from 0 to 1 \(got .+\): it is the variant's share of enrolled users$/);
    }
    expect(problemsOf(validInput({ variants: twoVariants({ weight: -0.1 }) }))[0].message).toContain('(got -0.1)');
  });

  it('weights add up to 1 (±1e-9)', () => {
    expectProblem(
      validInput({ variants: twoVariants({ weight: 0.4 }) }),
      'variants',
      'variant weights add up to 0.9: change them so that they add up to 1 (e.g. 0.5 and 0.5)',
    );
    expectProblem(validInput({ variants: twoVariants({ weight: 0.5 + 2e-9 }) }), 'variants', /^variant weights add up to 1\.000000002: /);
    expect(validateCreate(validInput({ variants: twoVariants({ weight: 0.5 + 5e-10 }) }), createOptions).variants[0].weight).toBe(0.5 + 5e-10);
  });

  it('control is one of the variant keys', () => {
    expectProblem(validInput({ control: 'C' }), 'control', 'control "C" is not one of the variant keys (A, B): set it to the key of the control variant');
    expectProblem(validInput({ control: '' }), 'control', 'control is required: set it to the key of the control variant (A, B)');
  });

  it('coverage is in (0, 1]', () => {
    for (const bad of [0, -0.5, 1.01, Number.NaN]) {
      const problems = problemsOf(validInput({ coverage: bad }));
      expect(problems.map((p) => p.field)).toEqual(['coverage']);
      expect(problems[0].message).toMatch(
        /^coverage must be more than 0 and at most 1 \(got .+\): it is the share of users enrolled, e.g. 1 for everyone or 0.5 for half$/,
      );
    }
    expect(problemsOf(validInput({ coverage: 0 }))[0].message).toContain('(got 0)');
  });

  it('attributionWindowDays is a whole number from 1 to 90', () => {
    for (const bad of [0, 91, 1.5, -3]) {
      expectProblem(
        validInput({ attributionWindowDays: bad }),
        'attributionWindowDays',
        `attributionWindowDays must be a whole number of days from 1 to 90 (got ${bad}): conversions later than this after the signup are not counted`,
      );
    }
  });

  it('config is valid JSON of at most 4096 bytes (UTF-8)', () => {
    expectProblem(validInput({ variants: twoVariants({ config: '{rewardUsd: 5}' }) }), 'variants[0].config', /^variants\[0\]\.config is not valid JSON \(.+\): send JSON text such as \{"rewardUsd": 5\}, or null for none$/);
    // 2100 two-byte characters: 2102 characters of JSON text but 4202 bytes, over the limit in bytes only.
    const big = JSON.stringify('é'.repeat(2100));
    expect(big.length).toBeLessThan(4096);
    expectProblem(
      validInput({ variants: twoVariants({}, { config: big }) }),
      'variants[1].config',
      "variants[1].config is 4202 bytes of JSON (UTF-8): the limit is 4096 bytes; keep only the strategy's parameters here",
    );
    expectProblem(
      validInput({ variants: twoVariants({}, { config: `"${'c'.repeat(4095)}"` }) }),
      'variants[1].config',
      /is 4097 bytes of JSON/,
    );
  });

  it('minimumDetectableEffect, when given, is in (0, 10]', () => {
    for (const bad of [0, -0.1, 10.5, Number.NaN]) {
      const problems = problemsOf(validInput({ minimumDetectableEffect: bad }));
      expect(problems.map((p) => p.field)).toEqual(['minimumDetectableEffect']);
      expect(problems[0].message).toMatch(
        /^minimumDetectableEffect must be more than 0 and at most 10 \(got .+\): it is the relative lift to detect, e.g. 0.1 for 10%$/,
      );
    }
  });

  it('endDate, when given, is an ISO 8601 date-time in the future', () => {
    for (const bad of ['tomorrow', '2030-02-30T00:00:00Z', '2030-01-01T00:00:00', '2030-01-01', '2030-13-01T00:00:00Z']) {
      expectProblem(
        validInput({ endDate: bad }),
        'endDate',
        `endDate "${bad}" is not an ISO 8601 date-time with a time zone: send e.g. 2030-01-31T00:00:00Z, or null for none`,
      );
    }
    expectProblem(
      validInput({ endDate: '2025-05-31T12:00:00Z' }),
      'endDate',
      'endDate 2025-05-31T12:00:00.000Z is not in the future (now is 2025-06-01T12:00:00.000Z): choose a later date, or null for none',
    );
    expectProblem(validInput({ endDate: NOW.toISOString() }), 'endDate', /is not in the future/);
    expect(validateCreate(validInput({ endDate: '2025-06-01T12:00:00.001Z' }), createOptions).endDate).toBe('2025-06-01T12:00:00.001Z');
  });

  it('salt, when given, is 1–64 characters', () => {
    expectProblem(
      validInput({ salt: 's'.repeat(65) }),
      'salt',
      'salt must be 1–64 characters (got 65 characters): send a shorter one, or leave it out to get a random one',
    );
    expectProblem(validInput({ salt: '' }), 'salt', /^salt must be 1–64 characters \(got 0 characters\)/);
  });
});

describe('validateCreate: reports every problem together', () => {
  it('lists each problem in fields and in the message', () => {
    let error: ValidationError | undefined;
    try {
      validateCreate(
        {
          name: '',
          variants: [
            { key: 'A', name: 'A', weight: 0.7 },
            { key: 'a b', name: '', weight: 0.7, config: '{' },
          ],
          control: 'Z',
          coverage: 2,
          attributionWindowDays: 0,
          minimumDetectableEffect: 0,
          endDate: 'soon',
        },
        createOptions,
      );
    } catch (e) {
      error = e as ValidationError;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.errorType).toBe('ValidationError');
    expect(error!.fields.map((f) => f.field)).toEqual([
      'name',
      'variants[1].key',
      'variants[1].name',
      'variants[1].config',
      'control',
      'coverage',
      'attributionWindowDays',
      'minimumDetectableEffect',
      'endDate',
    ]);
    expect(error!.message.startsWith('Cannot create the experiment: name is empty')).toBe(true);
    for (const f of error!.fields) expect(error!.message).toContain(f.message);
    expect(error!.errorInfo).toEqual({ fields: error!.fields });
  });

  it('rejects a missing input', () => {
    expect(() => validateCreate(null as unknown as CreateExperimentInput, createOptions)).toThrow(ValidationError);
  });
});

describe('validateCreate: currency', () => {
  it('defaults to USD, accepts an ISO 4217 code, and rejects anything else naming the field', () => {
    expect(validateCreate(validInput(), createOptions).currency).toBe('USD');
    expect(validateCreate(validInput({ currency: 'EUR' }), createOptions).currency).toBe('EUR');
    for (const bad of ['usd', 'EURO', '', 'U$D']) {
      expect(() => validateCreate(validInput({ currency: bad }), createOptions)).toThrow(/currency must be an ISO 4217 code/);
    }
  });
});
