// Phases and the frozen readout through the API against DynamoDB Local (issue 12): a weight change
// after start opens phase 2, whose results count its own users only and test them against its own
// weights; phase 1 stays readable; a stopped experiment's results are frozen while later events are
// still kept.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../cli/app.ts';
import { startTestApp } from '../support/app.ts';
import { createClient, experimenter } from '../support/client.ts';
import { pool } from '../support/referral-fixture.ts';
import { EXPERIMENT_CACHE_MS } from '../../lambdas/assign/assign.ts';

let app: App;
let gql: ReturnType<typeof createClient>;

beforeAll(async () => {
  ({ app, gql } = await startTestApp());
});

afterAll(async () => {
  await app?.stop();
});

const RESULTS = `query($id: ID!, $phase: Int) { results(experimentId: $id, phase: $phase) {
  phase final computedAt srm { pValue mismatch }
  variants { key users conversions funnel { exposures conversions referrers viralCoefficient } vsControl { decision decisionReason significant sequentialPValue pValue } } } }`;

interface Results {
  phase: number;
  final: boolean;
  computedAt: string;
  srm: { pValue: number | null; mismatch: boolean };
  variants: { key: string; users: number; conversions: number; funnel: { exposures: number; conversions: number }; vsControl: { decision: string; decisionReason: string } | null }[];
}

async function results(id: string, phase?: number): Promise<Results> {
  const out = await gql<{ results: Results }>(RESULTS, { id, phase }, experimenter);
  expect(out.errors).toBeUndefined();
  return out.data!.results;
}

const assign = (e: string, u: string) => gql<{ assign: { variant: string } }>('mutation($e: ID!, $u: ID!) { assign(experimentId: $e, userId: $u) { variant } }', { e, u });

async function refer(experimentId: string, referrer: string, referee: string, tag: string) {
  const code = (await gql<{ referralCode: { code: string } }>('query($e: ID!, $u: ID!) { referralCode(experimentId: $e, userId: $u) { code } }', { e: experimentId, u: referrer })).data!.referralCode.code;
  const signup = await gql('mutation($input: RecordSignupInput!) { recordSignup(input: $input) { outcome } }', { input: { eventId: `su-${tag}`, code, refereeId: referee } }, { iam: true });
  expect(signup.errors).toBeUndefined();
}

async function convert(experimentId: string, referee: string, tag: string) {
  const conversion = await gql<{ recordConversion: { outcome: string } }>(
    'mutation($input: RecordConversionInput!) { recordConversion(input: $input) { outcome } }',
    { input: { eventId: `cv-${tag}`, experimentId, refereeId: referee, value: 10, currency: 'USD' } },
    { iam: true },
  );
  expect(conversion.errors).toBeUndefined();
  return conversion.data!.recordConversion.outcome;
}

async function referAndConvert(experimentId: string, referrer: string, referee: string, tag: string) {
  await refer(experimentId, referrer, referee, tag);
  return convert(experimentId, referee, tag);
}

it('a weight change after start opens phase 2: its results count phase-2 users only, with no SRM warning; phase 1 stays readable; stopping freezes the readout', async () => {
  const created = await gql<{ createExperiment: { id: string } }>(
    'mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }',
    { input: { name: 'phases', control: 'A', minimumDetectableEffect: 0.1, variants: [{ key: 'A', name: 'A', weight: 0.5 }, { key: 'B', name: 'B', weight: 0.5 }] } },
    experimenter,
  );
  const id = created.data!.createExperiment.id;
  await gql('mutation($id: ID!) { startExperiment(id: $id) { id } }', { id }, experimenter);

  // Phase 1: 24 users at 50/50, two of them bring a converting referee.
  await pool(24, 6, async (i) => void (await assign(id, `p1-${i}`)));
  expect(await referAndConvert(id, 'p1-0', 'ref-p1-0', 'p1-0')).toBe('COUNTED');
  expect(await referAndConvert(id, 'p1-1', 'ref-p1-1', 'p1-1')).toBe('COUNTED');

  // Ramp: B from 50% to 90% opens phase 2 (weights recorded, users keep their variant).
  const current = (await gql<{ experiment: { version: number } }>('query($id: ID!) { experiment(id: $id) { version } }', { id }, experimenter)).data!.experiment;
  const updated = await gql<{ updateExperiment: { phases: { number: number; weights: { key: string; weight: number }[]; coverage: number; startedAt: string; endedAt: string | null }[] } }>(
    'mutation($input: UpdateExperimentInput!) { updateExperiment(input: $input) { phases { number startedAt endedAt coverage weights { key weight } } } }',
    { input: { id, version: current.version, variants: [{ key: 'A', name: 'A', weight: 0.1 }, { key: 'B', name: 'B', weight: 0.9 }] } },
    experimenter,
  );
  expect(updated.errors).toBeUndefined();
  const phases = updated.data!.updateExperiment.phases;
  expect(phases.map((p) => p.number)).toEqual([1, 2]);
  expect(phases[0]!.endedAt).toBe(phases[1]!.startedAt);
  expect(phases[1]!.weights).toEqual([{ key: 'A', weight: 0.1 }, { key: 'B', weight: 0.9 }]);

  // Phase 2: 30 new users at 10/90; a phase-1 user's later referral still counts in phase 1.
  // (assign keeps an experiment for EXPERIMENT_CACHE_MS: until then it still assigns with phase 1's
  // weights, and records phase 1, so each phase's users were split by that phase's weights.)
  await new Promise((r) => setTimeout(r, EXPERIMENT_CACHE_MS + 500));
  await pool(30, 6, async (i) => void (await assign(id, `p2-${i}`)));
  const sticky = await assign(id, 'p1-0');
  expect(sticky.data!.assign.variant).toBeDefined();
  expect(await referAndConvert(id, 'p1-2', 'ref-p1-2', 'p1-2')).toBe('COUNTED');
  await app.poller!.drain();

  const phase2 = await results(id);
  expect(phase2.phase).toBe(2);
  expect(phase2.final).toBe(false);
  expect(phase2.variants.reduce((s, v) => s + v.users, 0)).toBe(30);
  expect(phase2.variants.reduce((s, v) => s + v.conversions, 0)).toBe(0);
  // 30 users at 10/90 tested against 10/90: no mismatch (against 50/50 it would be one).
  expect(phase2.srm.mismatch).toBe(false);
  expect(phase2.variants.find((v) => v.key === 'B')!.vsControl!.decision).toBe('KEEP_RUNNING');

  const phase1 = await results(id, 1);
  expect(phase1.phase).toBe(1);
  expect(phase1.variants.reduce((s, v) => s + v.users, 0)).toBe(24);
  expect(phase1.variants.reduce((s, v) => s + v.conversions, 0)).toBe(3);
  expect(phase1.srm.mismatch).toBe(false);

  const unknown = await gql(RESULTS, { id, phase: 3 }, experimenter);
  expect(unknown.errors?.[0]?.errorType).toBe('NotFoundError');
  expect(unknown.errors?.[0]?.message).toMatch(/Phase 3 of experiment .* \(it has phases 1 to 2\)/);

  // Stop: the readout is frozen. A conversion after the stop is kept (counted in the totals and the
  // live counts) but does not change the results.
  await refer(id, 'p1-3', 'ref-p1-3', 'p1-3');
  await app.poller!.drain();
  await gql('mutation($id: ID!) { stopExperiment(id: $id) { id } }', { id }, experimenter);
  const frozen2 = await results(id);
  const frozen1 = await results(id, 1);
  expect(frozen2.final).toBe(true);
  expect(frozen1.final).toBe(true);
  const liveBefore = (await gql<{ liveCounts: { variants: { conversions: number }[] } }>('query($id: ID!) { liveCounts(experimentId: $id) { variants { conversions } } }', { id }, experimenter)).data!.liveCounts;
  expect(await convert(id, 'ref-p1-3', 'p1-3')).toBe('COUNTED');
  await app.poller!.drain();
  const liveAfter = (await gql<{ liveCounts: { variants: { conversions: number }[] } }>('query($id: ID!) { liveCounts(experimentId: $id) { variants { conversions } } }', { id }, experimenter)).data!.liveCounts;
  expect(liveAfter.variants.reduce((s, v) => s + v.conversions, 0)).toBe(liveBefore.variants.reduce((s, v) => s + v.conversions, 0) + 1);
  expect(await results(id, 1)).toEqual(frozen1);
  expect(await results(id)).toEqual(frozen2);
}, 240_000);
