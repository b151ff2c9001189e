// Experiment administration end to end on the real local stack (DynamoDB Local + local AppSync +
// the admin Lambda): lifecycle, optimistic locking, frozen fields after start, listing by status
// through the GSI, validation of every admin mutation with the table read back to prove that bad
// input writes nothing, and the experimenters-only auth rule.
import { PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../cli/app.ts';
import type { Experiment as GqlExperiment, Variant as GqlVariant } from '../../generated/graphql.ts';
import { startTestApp } from '../support/app.ts';
import { createClient, experimenter, type As, type GqlResult } from '../support/client.ts';

const FIELDS = /* GraphQL */ `
  id name description status control salt coverage attributionWindowDays currency minimumDetectableEffect
  endDate startedAt stoppedAt createdAt updatedAt version
  variants { key name weight config }
`;
const CREATE = `mutation Create($input: CreateExperimentInput!) { createExperiment(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation Update($input: UpdateExperimentInput!) { updateExperiment(input: $input) { ${FIELDS} } }`;
const START = `mutation Start($id: ID!) { startExperiment(id: $id) { ${FIELDS} } }`;
const PAUSE = `mutation Pause($id: ID!) { pauseExperiment(id: $id) { ${FIELDS} } }`;
const STOP = `mutation Stop($id: ID!) { stopExperiment(id: $id) { ${FIELDS} } }`;
const GET = `query Get($id: ID!) { experiment(id: $id) { ${FIELDS} } }`;
const LIST = `query List($status: ExperimentStatus!, $limit: Int, $nextToken: String) {
  experiments(status: $status, limit: $limit, nextToken: $nextToken) { items { id status createdAt } nextToken }
}`;

// The shape EXPERIMENT_FIELDS selects, taken from the generated contract (not restated by hand).
type Variant = Pick<GqlVariant, 'key' | 'name' | 'weight' | 'config'>;
type Experiment = Pick<
  GqlExperiment,
  | 'id' | 'name' | 'description' | 'status' | 'control' | 'salt' | 'coverage' | 'attributionWindowDays' | 'currency'
  | 'minimumDetectableEffect' | 'endDate' | 'startedAt' | 'stoppedAt' | 'createdAt' | 'updatedAt' | 'version'
> & { variants: Variant[] };
type GqlError = NonNullable<GqlResult['errors']>[number];

let app: App;
let gql: ReturnType<typeof createClient>;
let table: string;

beforeAll(async () => {
  ({ app, gql } = await startTestApp());
  table = app.tableNames.main!;
});

afterAll(async () => {
  await app?.stop();
});

// ------------------------------------------------------------------------------------------------
// Helpers

function validInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Referral reward $5 vs $10',
    description: 'Does a bigger reward bring more referred signups?',
    variants: [
      { key: 'A', name: 'Reward $5', weight: 0.5, config: '{"rewardUsd":5}' },
      { key: 'B', name: 'Reward $10', weight: 0.5, config: '{"rewardUsd":10}' },
    ],
    control: 'A',
    ...overrides,
  };
}

/** Runs an operation that must succeed and returns its single root field. */
async function ok<T = Experiment>(query: string, variables: Record<string, unknown>, as: As = experimenter): Promise<T> {
  const result = await gql<Record<string, T>>(query, variables, as);
  if (result.errors?.length || !result.data) {
    throw new Error(`expected success, got ${JSON.stringify(result.errors ?? result)}`);
  }
  const values = Object.values(result.data);
  expect(values).toHaveLength(1);
  return values[0]!;
}

/** Runs an operation that must fail and returns its one error (and checks that no data came back). */
async function fails(query: string, variables: Record<string, unknown>, as: As = experimenter): Promise<GqlError> {
  const result = await gql(query, variables, as);
  expect(result.errors, `expected an error, got ${JSON.stringify(result.data)}`).toBeDefined();
  expect(result.errors).toHaveLength(1);
  // Non-null root fields null the whole data; a nullable one (experiment) comes back as null.
  if (result.data !== null) expect(Object.values(result.data).every((v) => v === null)).toBe(true);
  return result.errors![0]!;
}

const create = (overrides: Record<string, unknown> = {}) => ok(CREATE, { input: validInput(overrides) });
const start = (id: string) => ok(START, { id });
const pause = (id: string) => ok(PAUSE, { id });
const stop = (id: string) => ok(STOP, { id });
const get = (id: string) => ok<Experiment | null>(GET, { id });

async function running(overrides: Record<string, unknown> = {}): Promise<Experiment> {
  return start((await create(overrides)).id);
}

async function scanAll(): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await app.client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey }));
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** The whole table as canonical text: items sorted by key, attributes sorted by name, wire types kept. */
async function tableSnapshot(): Promise<string> {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  const items = (await scanAll()).map((i) => ({ id: `${i.pk?.S}|${i.sk?.S}`, item: sortKeys(i) }));
  items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return JSON.stringify(items);
}

async function storedItem(id: string): Promise<Record<string, unknown> | undefined> {
  const item = (await scanAll()).find((i) => i.pk?.S === `EXP#${id}` && i.sk?.S === 'META');
  return item ? unmarshall(item) : undefined;
}

/** Sends an operation that must fail with `errorType`, and proves the table did not change. */
async function rejectedWithoutWrite(
  query: string,
  variables: Record<string, unknown>,
  errorType: string,
  as: As = experimenter,
): Promise<GqlError> {
  const before = await tableSnapshot();
  const error = await fails(query, variables, as);
  expect(error.errorType, error.message).toBe(errorType);
  expect(await tableSnapshot()).toBe(before);
  return error;
}

// ------------------------------------------------------------------------------------------------

describe('createExperiment', () => {
  it('creates a DRAFT at version 1 with defaults, stored in the table and readable by id', async () => {
    const before = Date.now();
    const e = await create({ minimumDetectableEffect: 0.1 });
    expect(e).toMatchObject({
      name: 'Referral reward $5 vs $10',
      description: 'Does a bigger reward bring more referred signups?',
      status: 'DRAFT',
      control: 'A',
      coverage: 1,
      attributionWindowDays: 30,
      minimumDetectableEffect: 0.1,
      endDate: null,
      startedAt: null,
      stoppedAt: null,
      version: 1,
      variants: [
        { key: 'A', name: 'Reward $5', weight: 0.5, config: '{"rewardUsd":5}' },
        { key: 'B', name: 'Reward $10', weight: 0.5, config: '{"rewardUsd":10}' },
      ],
    });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.salt.length).toBeGreaterThan(0);
    expect(e.createdAt).toBe(e.updatedAt);
    expect(Date.parse(e.createdAt)).toBeGreaterThanOrEqual(before - 1000);

    // Two creates get different ids and different random salts.
    const other = await create();
    expect(other.id).not.toBe(e.id);
    expect(other.salt).not.toBe(e.salt);

    expect(await get(e.id)).toEqual(e);
    const item = await storedItem(e.id);
    expect(item).toMatchObject({ entity: 'Experiment', status: 'DRAFT', version: 1, gsi1pk: 'STATUS#DRAFT', gsi1sk: `${e.createdAt}#${e.id}` });
  });

  it('experiment(id) of an unknown id is null, not an error', async () => {
    const result = await gql(GET, { id: 'no-such-experiment' }, experimenter);
    expect(result).toMatchObject({ status: 200, data: { experiment: null } });
    expect(result.errors).toBeUndefined();
  });

  it('keeps a given salt, coverage and attribution window', async () => {
    const e = await create({ salt: 'rollout-7', coverage: 0.25, attributionWindowDays: 7 });
    expect(e).toMatchObject({ salt: 'rollout-7', coverage: 0.25, attributionWindowDays: 7 });
  });
});

describe('updateExperiment', () => {
  it('changes every field of a DRAFT, bumping the version each time', async () => {
    const e = await create();
    const updated = await ok(UPDATE, {
      input: {
        id: e.id,
        version: 1,
        name: 'Three rewards',
        description: 'now with a third arm',
        variants: [
          { key: 'ctl', name: 'Reward $5', weight: 0.2, config: '{"rewardUsd":5}' },
          { key: 'mid', name: 'Reward $10', weight: 0.3 },
          { key: 'big', name: 'Reward $20', weight: 0.5, config: '{"rewardUsd": 20}' },
        ],
        control: 'mid',
        salt: 'new-salt',
        coverage: 0.5,
        attributionWindowDays: 14,
        minimumDetectableEffect: 0.05,
        endDate: '2099-01-31T00:00:00Z',
      },
    });
    expect(updated).toMatchObject({
      id: e.id,
      status: 'DRAFT',
      version: 2,
      name: 'Three rewards',
      description: 'now with a third arm',
      control: 'mid',
      salt: 'new-salt',
      coverage: 0.5,
      attributionWindowDays: 14,
      minimumDetectableEffect: 0.05,
      endDate: '2099-01-31T00:00:00.000Z',
      createdAt: e.createdAt,
      variants: [
        { key: 'ctl', name: 'Reward $5', weight: 0.2, config: '{"rewardUsd":5}' },
        { key: 'mid', name: 'Reward $10', weight: 0.3, config: null },
        { key: 'big', name: 'Reward $20', weight: 0.5, config: '{"rewardUsd":20}' },
      ],
    });
    expect(await get(e.id)).toEqual(updated);

    // Nullable fields clear with null; absent fields stay.
    const cleared = await ok(UPDATE, { input: { id: e.id, version: 2, description: null, endDate: null } });
    expect(cleared).toMatchObject({ version: 3, description: null, endDate: null, name: 'Three rewards', salt: 'new-salt' });
    expect((await storedItem(e.id))?.version).toBe(3);
  });

  it('after start allows weights, coverage, name, description and end date', async () => {
    const e = await running({
      variants: [
        { key: 'A', name: 'Reward $5', weight: 0.1, config: '{"rewardUsd":5}' },
        { key: 'B', name: 'Reward $10', weight: 0.9, config: '{"rewardUsd":10}' },
      ],
    });
    expect(e).toMatchObject({ status: 'RUNNING', version: 2 });

    // Weights only, keys sent in another order and without their configs: matched by key, stored order kept.
    const ramped = await ok(UPDATE, {
      input: {
        id: e.id,
        version: 2,
        variants: [
          { key: 'B', name: 'Reward $10', weight: 0.5 },
          { key: 'A', name: 'Reward $5', weight: 0.5 },
        ],
      },
    });
    expect(ramped.version).toBe(3);
    expect(ramped.variants).toEqual([
      { key: 'A', name: 'Reward $5', weight: 0.5, config: '{"rewardUsd":5}' },
      { key: 'B', name: 'Reward $10', weight: 0.5, config: '{"rewardUsd":10}' },
    ]);

    const edited = await ok(UPDATE, {
      input: { id: e.id, version: 3, name: 'Renamed', description: 'notes', coverage: 0.3, endDate: '2099-06-01T00:00:00Z' },
    });
    expect(edited).toMatchObject({
      status: 'RUNNING',
      version: 4,
      name: 'Renamed',
      description: 'notes',
      coverage: 0.3,
      endDate: '2099-06-01T00:00:00.000Z',
      salt: e.salt,
      control: 'A',
      attributionWindowDays: 30,
      startedAt: e.startedAt,
    });

    // The whole form sent back with the frozen fields unchanged is fine too.
    const same = await ok(UPDATE, {
      input: {
        id: e.id,
        version: 4,
        name: 'Renamed',
        control: 'A',
        salt: e.salt,
        attributionWindowDays: 30,
        variants: edited.variants.map((v) => ({ ...v, weight: v.key === 'A' ? 0.4 : 0.6 })),
      },
    });
    expect(same.version).toBe(5);
    expect(same.variants.map((v) => [v.key, v.weight])).toEqual([
      ['A', 0.4],
      ['B', 0.6],
    ]);
    expect(await get(e.id)).toEqual(same);
  });

  it('after start rejects changes of variant keys, control, salt and attribution window (FrozenFieldError), writing nothing', async () => {
    const e = await running();
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      [
        'variant key renamed',
        { variants: [{ key: 'A', name: 'Reward $5', weight: 0.5 }, { key: 'C', name: 'Reward $10', weight: 0.5 }] },
        'variants',
        /variant keys cannot change after the experiment started \(it is RUNNING\): they are A, B and you sent A, C; send the same keys, only their weights may change/,
      ],
      [
        'variant added',
        {
          variants: [
            { key: 'A', name: 'Reward $5', weight: 0.4 },
            { key: 'B', name: 'Reward $10', weight: 0.4 },
            { key: 'C', name: 'Reward $20', weight: 0.2 },
          ],
        },
        'variants',
        /variant keys cannot change .* you sent A, B, C/,
      ],
      ['variant removed', { variants: [{ key: 'A', name: 'Reward $5', weight: 1 }] }, 'variants', /variant keys cannot change .* you sent A;/],
      ['control', { control: 'B' }, 'control', /control cannot change after the experiment started \(it is RUNNING\): it is "A"/],
      ['salt', { salt: 'another-salt' }, 'salt', /salt cannot change after the experiment started .*a new salt would move users to other variants; leave it out/],
      ['attributionWindowDays', { attributionWindowDays: 60 }, 'attributionWindowDays', /attributionWindowDays cannot change after the experiment started .*it is 30 days/],
      [
        'variant config',
        { variants: [{ key: 'A', name: 'Reward $5', weight: 0.5, config: '{"rewardUsd":6}' }, { key: 'B', name: 'Reward $10', weight: 0.5 }] },
        'variants[0].config',
        /variants\[0\]\.config \(variant "A"\) cannot change after the experiment started/,
      ],
    ];
    for (const [what, changes, field, message] of cases) {
      const error = await rejectedWithoutWrite(UPDATE, { input: { id: e.id, version: e.version, ...changes } }, 'FrozenFieldError');
      expect(error.message, what).toMatch(message);
      expect((error.errorInfo as { fields: { field: string }[] }).fields.map((f) => f.field), what).toEqual([field]);
    }
    // Several frozen fields at once are all named; allowed changes sent alongside are not applied.
    const error = await rejectedWithoutWrite(
      UPDATE,
      { input: { id: e.id, version: e.version, name: 'fine', control: 'B', salt: 'x', attributionWindowDays: 7 } },
      'FrozenFieldError',
    );
    expect((error.errorInfo as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(['control', 'salt', 'attributionWindowDays']);
    // The same rules hold while PAUSED.
    const paused = await pause(e.id);
    const pausedError = await rejectedWithoutWrite(UPDATE, { input: { id: e.id, version: paused.version, salt: 'x' } }, 'FrozenFieldError');
    expect(pausedError.message).toContain('(it is PAUSED)');
    expect(await get(e.id)).toEqual(paused);
  });

  it('rejects a stale version with ConflictError naming both versions, and nothing is written', async () => {
    const e = await create();
    await ok(UPDATE, { input: { id: e.id, version: 1, name: 'v2' } });
    await ok(UPDATE, { input: { id: e.id, version: 2, name: 'v3' } });
    const error = await rejectedWithoutWrite(UPDATE, { input: { id: e.id, version: 1, name: 'lost edit' } }, 'ConflictError');
    expect(error.message).toBe(`experiment ${e.id} was changed by someone else: you sent version 1, current is 3; reload and retry`);
    expect(error.errorInfo).toEqual({ sentVersion: 1, currentVersion: 3 });
    // A version from the future is just as wrong.
    const ahead = await rejectedWithoutWrite(UPDATE, { input: { id: e.id, version: 7, name: 'x' } }, 'ConflictError');
    expect(ahead.message).toMatch(/you sent version 7, current is 3/);
    expect((await get(e.id))?.name).toBe('v3');
  });

  it('lets exactly one of two concurrent edits of the same version win', async () => {
    const e = await create();
    const results = await Promise.all(
      ['left', 'right', 'third', 'fourth'].map((name) => gql<{ updateExperiment: Experiment }>(UPDATE, { input: { id: e.id, version: 1, name } }, experimenter)),
    );
    const winners = results.filter((r) => r.data?.updateExperiment);
    const losers = results.filter((r) => r.errors?.length);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(3);
    for (const l of losers) {
      expect(l.errors![0]!.errorType).toBe('ConflictError');
      expect(l.errors![0]!.message).toMatch(/you sent version 1, current is 2/);
    }
    const stored = await get(e.id);
    expect(stored).toMatchObject({ version: 2, name: winners[0]!.data!.updateExperiment.name });
  });
});

describe('lifecycle', () => {
  it('starts, pauses, resumes and stops; a stopped experiment cannot restart or change', async () => {
    const e = await create();
    const started = await start(e.id);
    expect(started).toMatchObject({ status: 'RUNNING', version: 2, stoppedAt: null });
    expect(started.startedAt).not.toBeNull();
    expect((await storedItem(e.id))?.gsi1pk).toBe('STATUS#RUNNING');

    const again = await rejectedWithoutWrite(START, { id: e.id }, 'InvalidStateError');
    expect(again.message).toBe(`cannot start experiment ${e.id}: it is already RUNNING; a RUNNING experiment can only be paused or stopped`);

    const paused = await pause(e.id);
    expect(paused).toMatchObject({ status: 'PAUSED', version: 3, startedAt: started.startedAt });
    expect((await storedItem(e.id))?.gsi1pk).toBe('STATUS#PAUSED');
    const pausedTwice = await rejectedWithoutWrite(PAUSE, { id: e.id }, 'InvalidStateError');
    expect(pausedTwice.message).toMatch(/it is already PAUSED; a PAUSED experiment can only be started again \(resumed\) or stopped/);

    const resumed = await start(e.id);
    expect(resumed).toMatchObject({ status: 'RUNNING', version: 4, startedAt: started.startedAt });

    const stopped = await stop(e.id);
    expect(stopped).toMatchObject({ status: 'STOPPED', version: 5, startedAt: started.startedAt });
    expect(stopped.stoppedAt).not.toBeNull();
    expect((await storedItem(e.id))?.gsi1pk).toBe('STATUS#STOPPED');

    const restart = await rejectedWithoutWrite(START, { id: e.id }, 'InvalidStateError');
    expect(restart.message).toBe(`cannot start experiment ${e.id}: it is STOPPED; a stopped experiment cannot be restarted; create a new experiment instead`);
    expect(restart.errorInfo).toEqual({ status: 'STOPPED', allowed: [] });
    await rejectedWithoutWrite(PAUSE, { id: e.id }, 'InvalidStateError');
    await rejectedWithoutWrite(STOP, { id: e.id }, 'InvalidStateError');
    const edit = await rejectedWithoutWrite(UPDATE, { input: { id: e.id, version: 5, name: 'revived' } }, 'InvalidStateError');
    expect(edit.message).toMatch(/is STOPPED: a stopped experiment cannot be changed; create a new experiment instead/);
    expect(await get(e.id)).toEqual(stopped);
  });

  it('a DRAFT can be stopped (discarded) but not paused', async () => {
    const e = await create();
    const error = await rejectedWithoutWrite(PAUSE, { id: e.id }, 'InvalidStateError');
    expect(error.message).toBe(`cannot pause experiment ${e.id}: it is DRAFT; a DRAFT experiment can only be started or stopped`);
    expect(await stop(e.id)).toMatchObject({ status: 'STOPPED', version: 2, startedAt: null });
  });

  it('refuses to start an experiment whose end date has passed', async () => {
    const e = await create({ endDate: new Date(Date.now() + 1500).toISOString() });
    await new Promise((r) => setTimeout(r, 1600));
    const error = await rejectedWithoutWrite(START, { id: e.id }, 'ValidationError');
    expect(error.message).toMatch(/endDate .* has passed: move it later \(or clear it\) with updateExperiment, then start the experiment/);
  });
});

describe('experiments(status, limit, nextToken)', () => {
  async function listAll(status: string, limit: number): Promise<{ pages: { id: string; status: string; createdAt: string }[][]; tokens: (string | null)[] }> {
    const pages: { id: string; status: string; createdAt: string }[][] = [];
    const tokens: (string | null)[] = [];
    let nextToken: string | null = null;
    do {
      const page: { items: { id: string; status: string; createdAt: string }[]; nextToken: string | null } = await ok(LIST, { status, limit, nextToken });
      pages.push(page.items);
      tokens.push(page.nextToken);
      nextToken = page.nextToken;
      expect(pages.length).toBeLessThan(100);
    } while (nextToken);
    return { pages, tokens };
  }

  it('pages through one status on the GSI, newest first, every experiment exactly once', async () => {
    const created: Experiment[] = [];
    for (let i = 0; i < 5; i++) created.push(await running({ name: `listed ${i}` }));
    const moved = await create({ name: 'still a draft' });

    const { pages } = await listAll('RUNNING', 2);
    const ids = pages.flat().map((x) => x.id);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(2);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ids).size).toBe(ids.length); // no experiment twice
    for (const e of created) expect(ids.filter((id) => id === e.id)).toHaveLength(1);
    expect(ids).not.toContain(moved.id);
    expect(pages.flat().every((x) => x.status === 'RUNNING')).toBe(true);

    // Exactly the RUNNING experiments in the table: the listing misses none.
    const runningInTable = (await scanAll())
      .map((i) => unmarshall(i))
      .filter((i) => i.sk === 'META' && i.status === 'RUNNING')
      .map((i) => i.id as string);
    expect([...ids].sort()).toEqual([...runningInTable].sort());

    // Newest first (gsi1sk = createdAt#id, read backwards).
    const keysInOrder = pages.flat().map((x) => `${x.createdAt}#${x.id}`);
    expect(keysInOrder).toEqual([...keysInOrder].sort().reverse());
    expect(ids.indexOf(created[4]!.id)).toBeLessThan(ids.indexOf(created[0]!.id));

    // A status change moves the experiment to the other listing.
    await pause(created[2]!.id);
    const afterPause = (await listAll('RUNNING', 2)).pages.flat().map((x) => x.id);
    expect(afterPause).not.toContain(created[2]!.id);
    expect(afterPause).toHaveLength(ids.length - 1);
    const pausedIds = (await listAll('PAUSED', 100)).pages.flat().map((x) => x.id);
    expect(pausedIds).toContain(created[2]!.id);
  });

  it('rejects a limit outside 1..100 and a forged nextToken', async () => {
    for (const limit of [0, -1, 101]) {
      const error = await fails(LIST, { status: 'RUNNING', limit });
      expect(error.errorType).toBe('ValidationError');
      expect(error.message).toBe(`limit must be between 1 and 100, got ${limit}`);
    }
    const forged = await fails(LIST, { status: 'RUNNING', limit: 2, nextToken: 'not-a-token' });
    expect(forged.errorType).toBe('MappingTemplate');
    expect(forged.message).toMatch(/is not a pagination token this data source issued/);
  });
});

describe('bad input to every admin mutation: an errorType, an actionable message, and no write', () => {
  const twoVariants = (a: Record<string, unknown> = {}, b: Record<string, unknown> = {}) => [
    { key: 'A', name: 'Reward $5', weight: 0.5, ...a },
    { key: 'B', name: 'Reward $10', weight: 0.5, ...b },
  ];
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `v${i}`, name: `Variant ${i}`, weight: 1 / n }));
  const bigConfig = JSON.stringify({ copy: 'x'.repeat(4100) });

  const createCases: [string, Record<string, unknown>, string, RegExp][] = [
    ['1 variant', { variants: [{ key: 'A', name: 'Only', weight: 1 }] }, 'ValidationError', /variants has 1 variant: an experiment needs 2 to 10 \(a control and at least one alternative\)/],
    ['0 variants', { variants: [] }, 'ValidationError', /variants has 0 variants: an experiment needs 2 to 10/],
    ['11 variants', { variants: many(11), control: 'v0' }, 'ValidationError', /variants has 11 variants: remove some, at most 10 are allowed/],
    [
      'duplicate keys',
      { variants: [{ key: 'A', name: 'one', weight: 0.5 }, { key: 'A', name: 'two', weight: 0.5 }] },
      'ValidationError',
      /variants\[1\]\.key "A" is already used by variants\[0\]: give each variant its own key/,
    ],
    ['weights not summing to 1', { variants: twoVariants({ weight: 0.5 }, { weight: 0.4 }) }, 'ValidationError', /variant weights add up to 0\.9: change them so that they add up to 1/],
    ['weights summing to 1 + 1e-6', { variants: twoVariants({ weight: 0.5 }, { weight: 0.500001 }) }, 'ValidationError', /variant weights add up to 1\.000001/],
    [
      'negative weight',
      { variants: twoVariants({ weight: -0.5 }, { weight: 1.5 }) },
      'ValidationError',
      /variants\[0\]\.weight must be a number from 0 to 1 \(got -0\.5\): it is the variant's share of enrolled users/,
    ],
    ['control not a key', { control: 'Z' }, 'ValidationError', /control "Z" is not one of the variant keys \(A, B\): set it to the key of the control variant/],
    ['coverage 0', { coverage: 0 }, 'ValidationError', /coverage must be more than 0 and at most 1 \(got 0\)/],
    ['coverage 1.5', { coverage: 1.5 }, 'ValidationError', /coverage must be more than 0 and at most 1 \(got 1\.5\)/],
    ['attribution window 0', { attributionWindowDays: 0 }, 'ValidationError', /attributionWindowDays must be a whole number of days from 1 to 90 \(got 0\)/],
    ['attribution window 91', { attributionWindowDays: 91 }, 'ValidationError', /attributionWindowDays must be a whole number of days from 1 to 90 \(got 91\)/],
    ['empty name', { name: '' }, 'ValidationError', /name is empty: give the experiment a name of 1–200 characters/],
    ['blank name', { name: '   ' }, 'ValidationError', /name is empty/],
    ['201-char name', { name: 'n'.repeat(201) }, 'ValidationError', /name is 201 characters long: shorten it to at most 200/],
    // AWSJSON arguments are parsed before the resolver runs: invalid JSON never reaches the Lambda.
    ['invalid config JSON', { variants: twoVariants({ config: '{"rewardUsd": 5' }) }, 'ValidationError', /variants\[0\]\.config.*Invalid AWSJSON/],
    ['config over 4 KB', { variants: twoVariants({}, { config: bigConfig }) }, 'ValidationError', /variants\[1\]\.config is 4111 bytes of JSON \(UTF-8\): the limit is 4096 bytes/],
    ['bad variant key', { variants: twoVariants({ key: 'a b' }), control: 'B' }, 'ValidationError', /variants\[0\]\.key "a b" has characters other than letters, digits, _ and -/],
    ['end date in the past', { endDate: '2020-01-01T00:00:00Z' }, 'ValidationError', /endDate 2020-01-01T00:00:00\.000Z is not in the future/],
  ];

  it.each(createCases)('createExperiment: %s', async (_what, overrides, errorType, message) => {
    const error = await rejectedWithoutWrite(CREATE, { input: validInput(overrides) }, errorType);
    expect(error.message).toMatch(message);
  });

  it('createExperiment: a config of exactly 4 KB is accepted (the limit is not off by one)', async () => {
    const config = JSON.stringify({ copy: 'x'.repeat(4096 - '{"copy":""}'.length) });
    expect(Buffer.byteLength(config)).toBe(4096);
    const e = await create({ variants: twoVariants({}, { config }) });
    expect(e.variants[1]!.config).toBe(config);
    const name = 'n'.repeat(200);
    expect((await create({ name })).name).toBe(name);
  });

  it('createExperiment: every problem is reported at once, field by field', async () => {
    const error = await rejectedWithoutWrite(
      CREATE,
      { input: validInput({ name: '', coverage: 0, attributionWindowDays: 91, control: 'Z' }) },
      'ValidationError',
    );
    expect((error.errorInfo as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual([
      'name',
      'control',
      'coverage',
      'attributionWindowDays',
    ]);
  });

  it('updateExperiment: unknown id, stale or future version, and bad values', async () => {
    const e = await create();
    const unknown = await rejectedWithoutWrite(UPDATE, { input: { id: 'no-such-experiment', version: 1, name: 'x' } }, 'NotFoundError');
    expect(unknown.message).toBe('Experiment no-such-experiment was not found: check the id');
    const stale = await rejectedWithoutWrite(UPDATE, { input: { id: e.id, version: 0, name: 'x' } }, 'ConflictError');
    expect(stale.message).toMatch(/you sent version 0, current is 1; reload and retry/);
    const future = await rejectedWithoutWrite(UPDATE, { input: { id: e.id, version: 2, name: 'x' } }, 'ConflictError');
    expect(future.message).toMatch(/you sent version 2, current is 1/);
    const notAnInt = await rejectedWithoutWrite(UPDATE, { input: { id: e.id, version: 'one', name: 'x' } }, 'ValidationError');
    expect(notAnInt.message).toMatch(/version/);
    const emptyId = await rejectedWithoutWrite(UPDATE, { input: { id: '', version: 1 } }, 'ValidationError');
    expect(emptyId.message).toMatch(/id must be a non-empty string/);

    const badValues: [Record<string, unknown>, RegExp][] = [
      [{ coverage: 0 }, /coverage must be more than 0 and at most 1 \(got 0\)/],
      [{ coverage: 1.5 }, /coverage must be more than 0 and at most 1 \(got 1\.5\)/],
      [{ attributionWindowDays: 91 }, /attributionWindowDays must be a whole number of days from 1 to 90 \(got 91\)/],
      [{ name: '' }, /name is empty/],
      [{ name: 'n'.repeat(201) }, /name is 201 characters long/],
      [{ variants: twoVariants({ weight: 0.7 }) }, /variant weights add up to 1\.2/],
      [{ variants: [{ key: 'A', name: 'solo', weight: 1 }] }, /variants has 1 variant/],
      [{ control: 'Z' }, /control "Z" is not one of the variant keys \(A, B\)/],
      [{ variants: twoVariants({}, { config: bigConfig }) }, /variants\[1\]\.config is 4111 bytes/],
      [{ salt: 's'.repeat(65) }, /salt must be 1–64 characters \(got 65 characters\)/],
    ];
    for (const [changes, message] of badValues) {
      const error = await rejectedWithoutWrite(UPDATE, { input: { id: e.id, version: 1, ...changes } }, 'ValidationError');
      expect(error.message).toMatch(/^Cannot update the experiment: /);
      expect(error.message).toMatch(message);
    }
    // After start, weights are still validated.
    const r = await running();
    const weights = await rejectedWithoutWrite(
      UPDATE,
      { input: { id: r.id, version: r.version, variants: twoVariants({ weight: 0.6 }, { weight: 0.6 }) } },
      'ValidationError',
    );
    expect(weights.message).toMatch(/variant weights add up to 1\.2/);
    const negative = await rejectedWithoutWrite(
      UPDATE,
      { input: { id: r.id, version: r.version, variants: twoVariants({ weight: -0.5 }, { weight: 1.5 }) } },
      'ValidationError',
    );
    expect(negative.message).toMatch(/variants\[0\]\.weight must be a number from 0 to 1 \(got -0\.5\)/);
    const past = await rejectedWithoutWrite(UPDATE, { input: { id: r.id, version: r.version, endDate: '2020-01-01T00:00:00Z' } }, 'ValidationError');
    expect(past.message).toMatch(/endDate 2020-01-01T00:00:00\.000Z is not in the future/);
    expect(await get(r.id)).toEqual(r);
  });

  it.each([
    ['startExperiment', START],
    ['pauseExperiment', PAUSE],
    ['stopExperiment', STOP],
  ])('%s: unknown id, malformed id, and a transition the status does not allow', async (name, mutation) => {
    const unknown = await rejectedWithoutWrite(mutation, { id: 'no-such-experiment' }, 'NotFoundError');
    expect(unknown.message).toBe('Experiment no-such-experiment was not found: check the id');
    const empty = await rejectedWithoutWrite(mutation, { id: '' }, 'ValidationError');
    expect(empty.message).toMatch(/id must be a non-empty string/);
    const padded = await rejectedWithoutWrite(mutation, { id: ' x ' }, 'ValidationError');
    expect(padded.message).toMatch(/id must not start or end with whitespace/);
    const long = await rejectedWithoutWrite(mutation, { id: 'x'.repeat(257) }, 'ValidationError');
    expect(long.message).toMatch(/id must be at most 256 characters \(got 257\)/);

    // A status the action does not apply to: pause a DRAFT; start/stop a STOPPED one.
    const e = await create();
    const target = name === 'pauseExperiment' ? e : await stop(e.id);
    const invalid = await rejectedWithoutWrite(mutation, { id: target.id }, 'InvalidStateError');
    expect(invalid.message).toMatch(new RegExp(`^cannot (start|pause|stop) experiment ${target.id}: it is (DRAFT|STOPPED); `));
  });
});

describe('auth: experimenters only', () => {
  const outsiders: [string, As][] = [
    ['the API key', { apiKey: true }],
    ['a Cognito user outside experimenters', { user: 'marketer', groups: ['marketing'] }],
    ['a Cognito user in no group', { user: 'nobody' }],
  ];

  it.each(outsiders)('%s cannot administer or read experiments', async (_who, as) => {
    const e = await create();
    const operations: [string, Record<string, unknown>][] = [
      [CREATE, { input: validInput() }],
      [UPDATE, { input: { id: e.id, version: 1, name: 'hijacked' } }],
      [START, { id: e.id }],
      [PAUSE, { id: e.id }],
      [STOP, { id: e.id }],
      [GET, { id: e.id }],
      [LIST, { status: 'DRAFT' }],
    ];
    for (const [query, variables] of operations) {
      const error = await rejectedWithoutWrite(query, variables, 'Unauthorized', as);
      expect(error.message).toMatch(/^Not Authorized to access \w+ on type (Query|Mutation)$/);
    }
    expect(await get(e.id)).toEqual(e);
  });

  it('no credentials at all is refused before anything runs', async () => {
    const before = await tableSnapshot();
    const result = await gql(CREATE, { input: validInput() }, { none: true });
    expect(result.status).toBe(401);
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.errorType).toBe('UnauthorizedException');
    expect(await tableSnapshot()).toBe(before);
  });
});

describe('an experiment stored before a field existed', () => {
  // Drift fixed: Query.experiment returned the raw item (currency missing, though the schema says
  // String!) while the Lambdas defaulted it. Every read path now goes through model/experiment.ts.
  it('reads with the field defaulted on every path: experiment, experiments and the admin Lambda', async () => {
    const e = await create();
    const { currency: _dropped, ...old } = e;
    const item = { ...old, pk: `EXP#${e.id}`, sk: 'META', entity: 'Experiment', gsi1pk: 'STATUS#DRAFT', gsi1sk: `${e.createdAt}#${e.id}` };
    await app.client.send(new PutItemCommand({ TableName: table, Item: marshall(item, { removeUndefinedValues: true }) }));

    expect(await ok(GET, { id: e.id })).toEqual({ ...e, currency: 'USD' });
    const LIST_CURRENCY = `query List($status: ExperimentStatus!) { experiments(status: $status, limit: 100) { items { id currency } } }`;
    const listed = await ok<{ items: { id: string; currency: string }[] }>(LIST_CURRENCY, { status: 'DRAFT' });
    expect(listed.items.find((i) => i.id === e.id)?.currency).toBe('USD');
    expect((await ok(START, { id: e.id })).currency).toBe('USD');
  });
});
