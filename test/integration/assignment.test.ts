// Randomized, sticky assignment end to end on the real local stack (DynamoDB Local + local AppSync +
// the assign Lambda + the stream aggregator): the lifecycle gate, coverage, the assignment query,
// stickiness across a weight ramp (10/90 -> 50/50) past the Lambda's experiment cache, and 50
// concurrent first calls for one user.
import { QueryCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import chiSquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../cli/app.ts';
import type { Assignment as GqlAssignment, Experiment as GqlExperiment, Variant as GqlVariant } from '../../generated/graphql.ts';
import { startTestApp } from '../support/app.ts';
import { clearExperimentCache, EXPERIMENT_CACHE_MS } from '../../lambdas/assign/assign.ts';
import { assignVariant } from '../../lambdas/domain/bucketing.ts';
import { bucketOf } from '../../lambdas/domain/hash.ts';
import { createClient, experimenter, type As } from '../support/client.ts';

const ASSIGNMENT_FIELDS = 'experimentId userId enrolled variant config bucket isNew reason assignedAt';
const ASSIGN = `mutation Assign($e: ID!, $u: ID!) { assign(experimentId: $e, userId: $u) { ${ASSIGNMENT_FIELDS} } }`;
const ASSIGNMENT = `query Assignment($e: ID!, $u: ID!) { assignment(experimentId: $e, userId: $u) { ${ASSIGNMENT_FIELDS} } }`;
const EXPERIMENT_FIELDS = 'id status salt coverage version variants { key name weight config }';
const CREATE = `mutation Create($input: CreateExperimentInput!) { createExperiment(input: $input) { ${EXPERIMENT_FIELDS} } }`;
const UPDATE = `mutation Update($input: UpdateExperimentInput!) { updateExperiment(input: $input) { ${EXPERIMENT_FIELDS} } }`;
const START = `mutation Start($id: ID!) { startExperiment(id: $id) { ${EXPERIMENT_FIELDS} } }`;
const PAUSE = `mutation Pause($id: ID!) { pauseExperiment(id: $id) { ${EXPERIMENT_FIELDS} } }`;
const STOP = `mutation Stop($id: ID!) { stopExperiment(id: $id) { ${EXPERIMENT_FIELDS} } }`;
const LIVE = `query Live($e: ID!) { liveCounts(experimentId: $e) { variants { key exposures } } }`;

// The shapes these documents select, taken from the generated contract (not restated by hand).
type Assignment = Omit<GqlAssignment, '__typename'>;
type Experiment = Pick<GqlExperiment, 'id' | 'status' | 'salt' | 'coverage' | 'version'> & {
  variants: Pick<GqlVariant, 'key' | 'name' | 'weight' | 'config'>[];
};

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

async function ok<T>(query: string, variables: Record<string, unknown>, as: As = experimenter): Promise<T> {
  const result = await gql<Record<string, T>>(query, variables, as);
  if (result.errors?.length || !result.data) throw new Error(`expected success, got ${JSON.stringify(result.errors ?? result)}`);
  return Object.values(result.data)[0]!;
}

const assign = (experimentId: string, userId: string) => ok<Assignment>(ASSIGN, { e: experimentId, u: userId }, { apiKey: true });
const assignment = (experimentId: string, userId: string, as: As = { apiKey: true }) =>
  ok<Assignment>(ASSIGNMENT, { e: experimentId, u: userId }, as);

/** Assigns many users over HTTP, `concurrency` requests at a time; results in the users' order. */
async function assignAll(experimentId: string, users: string[], concurrency = 25): Promise<Assignment[]> {
  const out: Assignment[] = [];
  for (let i = 0; i < users.length; i += concurrency) {
    out.push(...(await Promise.all(users.slice(i, i + concurrency).map((u) => assign(experimentId, u)))));
  }
  return out;
}

async function createExperiment(input: Record<string, unknown>): Promise<Experiment> {
  return ok<Experiment>(CREATE, {
    input: {
      name: 'Referral reward test',
      variants: [
        { key: 'control', name: 'Reward $5', weight: 0.5, config: '{"rewardUsd":5}' },
        { key: 'treatment', name: 'Reward $10', weight: 0.5, config: '{"rewardUsd":10}' },
      ],
      control: 'control',
      ...input,
    },
  });
}

/** Lifecycle changes go through the API; the assign Lambda (same process) then forgets its cached copy. */
async function lifecycle(mutation: string, id: string): Promise<Experiment> {
  const e = await ok<Experiment>(mutation, { id });
  clearExperimentCache();
  return e;
}

async function runningExperiment(input: Record<string, unknown>): Promise<Experiment> {
  return lifecycle(START, (await createExperiment(input)).id);
}

/** The assignment items stored for an experiment, read straight from the table. */
async function storedAssignments(experimentId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await app.client.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': { S: `EXP#${experimentId}#U#` } },
        ExclusiveStartKey,
      }),
    );
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.map((i) => unmarshall(i));
}

/** Chi-square goodness of fit of observed counts against expected shares; df = categories - 1. */
function chiSquare(observed: number[], shares: number[]): { statistic: number; pValue: number } {
  const n = observed.reduce((a, b) => a + b, 0);
  const statistic = observed.reduce((sum, o, i) => sum + (o - n * shares[i]!) ** 2 / (n * shares[i]!), 0);
  return { statistic, pValue: 1 - chiSquareCdf(statistic, observed.length - 1) };
}

const count = (rows: Assignment[], variant: string) => rows.filter((r) => r.variant === variant).length;

// ------------------------------------------------------------------------------------------------

describe('assign on an experiment that is not running', () => {
  it('returns no variant with reason NOT_RUNNING for DRAFT and STOPPED (PAUSED: stored users only), and writes nothing', async () => {
    const e = await createExperiment({ salt: 'gate-1' });
    clearExperimentCache();
    const draft = await assign(e.id, 'gate-user-1');
    expect(draft).toEqual({
      experimentId: e.id,
      userId: 'gate-user-1',
      enrolled: false,
      variant: null,
      config: null,
      bucket: null,
      isNew: false,
      reason: 'NOT_RUNNING',
      assignedAt: null,
    });
    expect(await storedAssignments(e.id)).toHaveLength(0);

    // Running: the same user is enrolled (so NOT_RUNNING above was the status, not the user).
    await lifecycle(START, e.id);
    const enrolled = await assign(e.id, 'gate-user-1');
    expect(enrolled).toMatchObject({ enrolled: true, isNew: true, reason: null, bucket: bucketOf('gate-1', 'gate-user-1') });
    expect(await storedAssignments(e.id)).toHaveLength(1);

    for (const [mutation, status] of [
      [PAUSE, 'PAUSED'],
      [STOP, 'STOPPED'],
    ] as const) {
      expect((await lifecycle(mutation, e.id)).status).toBe(status);
      clearExperimentCache();
      // PAUSED keeps serving the stored assignment (docs/referrals.md, "PAUSED"); nobody new is enrolled.
      if (status === 'PAUSED') expect(await assign(e.id, 'gate-user-1')).toMatchObject({ enrolled: true, isNew: false, reason: null });
      for (const user of status === 'PAUSED' ? [`gate-new-${status}`] : ['gate-user-1', `gate-new-${status}`]) {
        const r = await assign(e.id, user);
        expect(r, `${status} ${user}`).toMatchObject({ enrolled: false, variant: null, config: null, isNew: false, reason: 'NOT_RUNNING' });
      }
      const stored = await storedAssignments(e.id);
      expect(stored.map((i) => i.userId)).toEqual(['gate-user-1']);
    }
  });

  it('returns EXPERIMENT_NOT_FOUND for an unknown experiment, and writes nothing', async () => {
    const r = await assign('no-such-experiment', 'someone');
    expect(r).toEqual({
      experimentId: 'no-such-experiment',
      userId: 'someone',
      enrolled: false,
      variant: null,
      config: null,
      bucket: null,
      isNew: false,
      reason: 'EXPERIMENT_NOT_FOUND',
      assignedAt: null,
    });
    expect(await storedAssignments('no-such-experiment')).toHaveLength(0);
  });
});

describe('coverage and the assignment query', () => {
  it('coverage 0.4 leaves users OUTSIDE_COVERAGE with nothing stored; enrolled users are stored and readable', async () => {
    const e = await runningExperiment({ salt: 'coverage-40', coverage: 0.4 });
    const users = Array.from({ length: 200 }, (_, i) => `cov-${i}`);
    const results = await assignAll(e.id, users);

    const outside = results.filter((r) => !r.enrolled);
    const inside = results.filter((r) => r.enrolled);
    // Share enrolled ~ Binomial(200, 0.4): mean 80, sd 6.9; 4 sd either side.
    expect(inside.length).toBeGreaterThan(80 - 28);
    expect(inside.length).toBeLessThan(80 + 28);
    expect(outside.length).toBe(200 - inside.length);

    for (const r of results) {
      const expected = assignVariant({ salt: 'coverage-40', coverage: 0.4, variants: e.variants }, r.userId);
      expect(r.bucket).toBe(bucketOf('coverage-40', r.userId));
      if (expected.enrolled) {
        expect(r).toMatchObject({ enrolled: true, variant: expected.variantKey, isNew: true, reason: null });
      } else {
        expect(r).toEqual({
          experimentId: e.id,
          userId: r.userId,
          enrolled: false,
          variant: null,
          config: null,
          bucket: expected.bucket,
          isNew: false,
          reason: 'OUTSIDE_COVERAGE',
          assignedAt: null,
        });
      }
    }

    // Exactly the enrolled users are in the table.
    const stored = await storedAssignments(e.id);
    expect(stored.map((i) => i.userId).sort()).toEqual(inside.map((r) => r.userId).sort());

    // The query returns the stored assignment (isNew false), to the app and to an experimenter.
    const someone = inside[0]!;
    for (const as of [{ apiKey: true } as const, experimenter]) {
      expect(await assignment(e.id, someone.userId, as)).toEqual({ ...someone, isNew: false });
    }
    expect(someone.config).toBe(someone.variant === 'control' ? '{"rewardUsd":5}' : '{"rewardUsd":10}');
    // An outside user was never assigned; asking again does not enrol them either.
    const out = outside[0]!;
    expect(await assignment(e.id, out.userId)).toMatchObject({ enrolled: false, variant: null, isNew: false, reason: 'NOT_ASSIGNED' });
    expect(await assign(e.id, out.userId)).toMatchObject({ enrolled: false, reason: 'OUTSIDE_COVERAGE' });
    expect(await storedAssignments(e.id)).toHaveLength(inside.length);
  });

  it('a second assign returns the stored assignment with isNew false', async () => {
    const e = await runningExperiment({ salt: 'repeat-1' });
    const first = await assign(e.id, 'repeat-user');
    expect(first).toMatchObject({ enrolled: true, isNew: true });
    expect(Date.parse(first.assignedAt!)).not.toBeNaN();
    const second = await assign(e.id, 'repeat-user');
    expect(second).toEqual({ ...first, isNew: false });
    expect(await assignment(e.id, 'repeat-user')).toEqual({ ...first, isNew: false });
  });
});

describe('stickiness across a weight ramp (10/90 -> 50/50)', () => {
  it('keeps every assigned user in their variant; only new users follow the new weights', async () => {
    const started = Date.now();
    const salt = 'rollout-7';
    const e = await runningExperiment({
      salt,
      variants: [
        { key: 'control', name: 'Reward $5', weight: 0.1, config: '{"rewardUsd":5}' },
        { key: 'treatment', name: 'Reward $10', weight: 0.9, config: '{"rewardUsd":10}' },
      ],
    });
    const before = { salt, coverage: 1, variants: [{ key: 'control', weight: 0.1 }, { key: 'treatment', weight: 0.9 }] };
    const after = { salt, coverage: 1, variants: [{ key: 'control', weight: 0.5 }, { key: 'treatment', weight: 0.5 }] };

    // The known mover: bucket 0.4822 is treatment under 10/90 and control under 50/50.
    expect(bucketOf(salt, '11')).toBe(0.4822);
    expect(assignVariant(before, '11')).toMatchObject({ variantKey: 'treatment' });
    expect(assignVariant(after, '11')).toMatchObject({ variantKey: 'control' });

    const oldUsers = ['11', ...Array.from({ length: 299 }, (_, i) => `old-${i}`)];
    const first = await assignAll(e.id, oldUsers);
    for (const r of first) {
      expect(r).toMatchObject({ enrolled: true, isNew: true, variant: (assignVariant(before, r.userId) as { variantKey: string }).variantKey });
    }
    expect(first[0]).toMatchObject({ userId: '11', variant: 'treatment', bucket: 0.4822 });
    const firstSplit = chiSquare([count(first, 'control'), count(first, 'treatment')], [0.1, 0.9]);
    expect(firstSplit.pValue).toBeGreaterThan(0.001);

    // Users whose variant the new weights would change: a sticky system must not move them.
    const movers = first.filter((r) => (assignVariant(after, r.userId) as { variantKey: string }).variantKey !== r.variant);
    expect(movers.length).toBeGreaterThan(60); // ~40% of 300 have buckets in [0.1, 0.5)
    expect(movers.map((m) => m.userId)).toContain('11');

    // Ramp to 50/50 with optimistic locking, then wait until the Lambda's cached copy has expired.
    const ramped = await ok<Experiment>(UPDATE, {
      input: {
        id: e.id,
        version: e.version,
        variants: [
          { key: 'control', name: 'Reward $5', weight: 0.5 },
          { key: 'treatment', name: 'Reward $10', weight: 0.5 },
        ],
      },
    });
    expect(ramped.variants.map((v) => [v.key, v.weight, v.config])).toEqual([
      ['control', 0.5, '{"rewardUsd":5}'],
      ['treatment', 0.5, '{"rewardUsd":10}'],
    ]);
    await new Promise((r) => setTimeout(r, EXPERIMENT_CACHE_MS + 250));

    const again = await assignAll(e.id, oldUsers);
    again.forEach((r, i) => {
      expect(r, r.userId).toEqual({ ...first[i]!, isNew: false });
    });
    expect(again[0]).toMatchObject({ userId: '11', variant: 'treatment', bucket: 0.4822, isNew: false });

    const newUsers = Array.from({ length: 300 }, (_, i) => `new-${i}`);
    const fresh = await assignAll(e.id, newUsers);
    for (const r of fresh) {
      expect(r).toMatchObject({ enrolled: true, isNew: true, variant: (assignVariant(after, r.userId) as { variantKey: string }).variantKey });
    }
    const observed = [count(fresh, 'control'), count(fresh, 'treatment')];
    const newSplit = chiSquare(observed, [0.5, 0.5]);
    const oldWeights = chiSquare(observed, [0.1, 0.9]);
    console.info(
      `stickiness: first 300 users control/treatment ${count(first, 'control')}/${count(first, 'treatment')} ` +
        `(chi2 vs 10/90 ${firstSplit.statistic.toFixed(3)}, p ${firstSplit.pValue.toFixed(3)}); ${movers.length} would move, 0 moved; ` +
        `300 new users ${observed.join('/')} (chi2 vs 50/50 ${newSplit.statistic.toFixed(3)}, p ${newSplit.pValue.toFixed(3)}; ` +
        `vs 10/90 chi2 ${oldWeights.statistic.toFixed(1)}, p ${oldWeights.pValue.toExponential(1)}); ${Date.now() - started} ms`,
    );
    expect(newSplit.pValue).toBeGreaterThan(0.001);
    expect(oldWeights.pValue).toBeLessThan(0.001); // they really follow the new weights, not the old

    // Exactly one stored item per enrolled user; the stored variants are the first ones.
    const stored = await storedAssignments(e.id);
    expect(stored).toHaveLength(600);
    const byUser = new Map(stored.map((i) => [i.userId as string, i.variant as string]));
    for (const r of [...first, ...fresh]) expect(byUser.get(r.userId)).toBe(r.variant);
  });
});

describe('concurrency', () => {
  it('50 parallel assigns for one new user agree on one variant, one isNew, one stored item, one exposure', async () => {
    const e = await runningExperiment({ salt: 'race-1' });
    const user = 'racer-1';
    const results = await Promise.all(Array.from({ length: 50 }, () => assign(e.id, user)));

    const variants = new Set(results.map((r) => r.variant));
    expect(variants.size).toBe(1);
    const [variant] = variants;
    expect(variant).toBe((assignVariant({ salt: 'race-1', coverage: 1, variants: e.variants }, user) as { variantKey: string }).variantKey);
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    expect(new Set(results.map((r) => r.assignedAt)).size).toBe(1);
    expect(results.every((r) => r.enrolled && r.bucket === bucketOf('race-1', user))).toBe(true);

    const items = await app.client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `EXP#${e.id}#U#${user}` } },
        ConsistentRead: true,
      }),
    );
    expect(items.Count).toBe(1);
    expect(unmarshall(items.Items![0]!)).toMatchObject({ sk: 'ASSIGN', userId: user, variant, assignedAt: results[0]!.assignedAt });
    expect(await storedAssignments(e.id)).toHaveLength(1);

    // The stream aggregator counts the one stored assignment as one exposure.
    let exposures: Record<string, number> = {};
    for (let waited = 0; waited < 15_000; waited += 250) {
      const live = await ok<{ variants: { key: string; exposures: number }[] } | null>(LIVE, { e: e.id }, { apiKey: true });
      exposures = Object.fromEntries((live?.variants ?? []).map((v) => [v.key, v.exposures]));
      if (Object.values(exposures).some((n) => n > 0)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 1500)); // a duplicate count would land within a batching window
    const live = await ok<{ variants: { key: string; exposures: number }[] }>(LIVE, { e: e.id }, { apiKey: true });
    expect(Object.fromEntries(live.variants.map((v) => [v.key, v.exposures]))).toEqual({
      control: variant === 'control' ? 1 : 0,
      treatment: variant === 'treatment' ? 1 : 0,
    });
  });
});
