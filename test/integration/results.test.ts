// results(experimentId) over the real API equals the statistics engine applied to the stored
// per-variant totals, and a skewed split is flagged as a sample-ratio mismatch.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { expect } from 'vitest';
import { appTest as it } from '../support/fixture.ts';
import { analyze } from '../../lambdas/domain/stats/analyze.ts';
import { experimenter } from '../support/client.ts';
import { pool, setupReferrals } from '../support/referral-fixture.ts';

const RESULTS = `query($id: ID!) { results(experimentId: $id) {
  control alpha srm { chiSquare pValue mismatch }
  variants { key users conversions rate rateCi funnel { exposures referrers invites conversions revenue inviteRate viralCoefficient }
    vsControl { absoluteLift absoluteLiftCi relativeLift relativeLiftCi pValue pValueAdjusted chanceToBeatControl sequentialPValue significant } }
  metrics { name variants { key mean vsControl { difference differenceCi pValue } } }
  sampleSize { minimumDetectableEffect requiredUsersPerVariant smallestVariantUsers progress } } }`;

interface Results {
  srm: { mismatch: boolean; pValue: number };
  variants: { key: string; users: number; conversions: number; rate: number; vsControl: unknown; funnel: { exposures: number; invites: number; conversions: number; revenue: number } }[];
  metrics: { name: string; variants: { key: string; mean: number }[] }[];
}

it('matches the engine on the same totals, with the referral funnel per variant', async ({ app, gql }) => {
  const setup = await setupReferrals(gql, 'results', 6, 2);
  // A few more enrolled users who never refer, so rates are not trivial.
  await pool(40, 8, async (i) => {
    await gql('mutation($e: ID!, $u: ID!) { assign(experimentId: $e, userId: $u) { variant } }', { e: setup.experimentId, u: `passive-${i}` });
  });
  await pool(setup.referees.length, 4, async (i) => {
    if (i % 3 === 2) return;
    await gql(
      'mutation($input: RecordConversionInput!) { recordConversion(input: $input) { outcome } }',
      { input: { eventId: `res-conv-${i}`, experimentId: setup.experimentId, refereeId: setup.referees[i], value: 10 + i, currency: 'USD' } },
      { iam: true },
    );
  });
  await app.poller!.drain();

  const out = await gql<{ results: Results }>(RESULTS, { id: setup.experimentId }, experimenter);
  expect(out.errors).toBeUndefined();
  const results = out.data!.results;
  const users = results.variants.reduce((s, v) => s + v.users, 0);
  expect(users).toBe(46);
  expect(results.variants.reduce((s, v) => s + v.funnel.conversions, 0)).toBe(8);

  // The engine, fed the counts the API reports, gives the same statistics.
  const engine = analyze({
    alpha: 0.05,
    control: 'A',
    expectedSplit: { A: 0.5, B: 0.5 },
    variants: results.variants.map((v) => ({ key: v.key, users: v.users, conversions: v.conversions })),
  });
  for (const v of results.variants) {
    const e = engine.variants.find((x) => x.key === v.key)!;
    expect(v.rate).toBeCloseTo(e.rate!, 12);
    expect(v.vsControl).toEqual(e.vsControl);
  }
  expect(results.srm.pValue).toBeCloseTo(engine.srm.pValue!, 12);
  const revenue = results.metrics.find((m) => m.name === 'revenuePerUser')!;
  for (const v of revenue.variants) {
    const variant = results.variants.find((x) => x.key === v.key)!;
    expect(v.mean).toBeCloseTo(variant.funnel.revenue / variant.funnel.exposures, 12);
  }
}, 180_000); // the app starts inside the first test that asks for it (test/support/fixture.ts)

it('flags a sample-ratio mismatch when the observed split departs from the weights', async ({ app, gql }) => {
  const setup = await setupReferrals(gql, 'srm', 1, 0);
  // Simulate a broken client that enrolls everyone into A: 400 assignments written directly.
  await pool(400, 8, async (i) => {
    await app.client.send(
      new PutItemCommand({
        TableName: app.tableNames.main,
        Item: marshall({ pk: `EXP#${setup.experimentId}#U#skewed-${i}`, sk: 'ASSIGN', entity: 'Assignment', experimentId: setup.experimentId, userId: `skewed-${i}`, variant: 'A', bucket: 0.1, assignedAt: new Date().toISOString() }),
      }),
    );
  });
  await app.poller!.drain();
  const out = await gql<{ results: Results }>(RESULTS, { id: setup.experimentId }, experimenter);
  expect(out.data!.results.srm.mismatch).toBe(true);
  expect(out.data!.results.srm.pValue).toBeLessThan(0.001);
});

it('the host hands each Lambda its own environment and writes none of it into process.env', async ({ app }) => {
  const aggregate = app.api.lambdaEnvironment('aggregate');
  expect(aggregate).toMatchObject({ TABLE_NAME: app.tableNames.main, GRAPHQL_URL: app.api.graphqlUrl, DYNAMODB_ENDPOINT: app.dynamodb.endpoint });
  // only the Lambdas that call the API get its URL (manifest: callsApi)
  expect(app.api.lambdaEnvironment('admin').GRAPHQL_URL).toBeUndefined();
  // these values are this app's own, so finding them in process.env would mean the host wrote them
  expect(process.env.GRAPHQL_URL).not.toBe(app.api.graphqlUrl);
  expect(process.env.DYNAMODB_ENDPOINT).not.toBe(app.dynamodb.endpoint);
  expect(process.env.TABLE_NAME).not.toBe(app.tableNames.main);
});
