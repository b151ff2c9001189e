// Drives the API with the referral funnel of `model.ts`: users arrive evenly over the duration,
// at most `concurrency` requests are in flight, every event id is unique to the run (so a rerun
// adds traffic instead of replaying it). Afterwards it waits until the live counts include every
// counted event (the stream aggregator runs asynchronously) and reads the results.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  AssignDocument,
  GetExperimentDocument,
  GetLiveCountsDocument,
  GetReferralCodeDocument,
  GetResultsDocument,
  RecordClickDocument,
  RecordConversionDocument,
  RecordInviteDocument,
  RecordSignupDocument,
  type GetExperimentQuery,
  type GetResultsQuery,
  type LiveCountsFieldsFragment,
  type RecordResultFieldsFragment,
} from '../../generated/graphql.ts';
import type { SigningCredentials } from '../../local/appsync/auth/index.ts';
import { createGraphqlClient, GraphqlCallError, UnreachableError, type CallAuth } from './client.ts';
import { DEFAULT_MODEL, planUser, trueEffect, type FunnelModel, type TrueEffect } from './model.ts';
import { createRng, deriveSeed } from './prng.ts';
import type { ProgressState } from './progress.ts';

export interface SimulationOptions {
  graphqlUrl: string;
  experimentId: string;
  users: number;
  lift: number;
  durationSeconds: number;
  concurrency?: number;
  seed?: number;
  /** Prefix of every user, referee and event id; default: random per run. */
  runId?: string;
  model?: FunnelModel;
  apiKey: string;
  iam: SigningCredentials;
  /** A fresh experimenters JWT (for the experiment, its results). */
  token: () => string;
  onProgress?: (state: ProgressState) => void;
  signal?: AbortSignal;
  /** How long to wait for the live counts to include every counted event (default 30 s). */
  settleSeconds?: number;
}

export type Experiment = NonNullable<GetExperimentQuery['experiment']>;
export type Results = NonNullable<GetResultsQuery['results']>;
export type VariantCounts = LiveCountsFieldsFragment['variants'][number];
type CountField = 'exposures' | 'invites' | 'clicks' | 'signups' | 'conversions' | 'revenue';
const COUNT_FIELDS: readonly CountField[] = ['exposures', 'invites', 'clicks', 'signups', 'conversions', 'revenue'];

export interface SimulationReport {
  experiment: Experiment;
  runId: string;
  seed: number;
  lift: number;
  users: number;
  /** Users the API enrolled (coverage may leave some out). */
  enrolled: number;
  /** Counted events this run added, per variant. */
  added: Record<string, Record<CountField, number>>;
  requests: number;
  errors: number;
  firstErrors: string[];
  elapsedMs: number;
  aborted: boolean;
  trueEffect: TrueEffect;
  /** Whether the live counts caught up with every counted event before the settle timeout. */
  settled: boolean;
  live: LiveCountsFieldsFragment | null;
  results: Results | null;
  resultsError?: string;
}

export class SimulationError extends Error {
  override name = 'SimulationError';
}

const zeroCounts = (): Record<CountField, number> => ({ exposures: 0, invites: 0, clicks: 0, signups: 0, conversions: 0, revenue: 0 });

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      done();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const model = options.model ?? DEFAULT_MODEL;
  const seed = options.seed ?? randomBytes(4).readUInt32LE(0);
  const runId = options.runId ?? `sim${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 16));
  // Every waiting worker listens for the abort: more than Node's default of 10 is expected.
  if (options.signal) setMaxListeners(concurrency + 10, options.signal);
  const client = createGraphqlClient(options.graphqlUrl);
  const keyAuth: CallAuth = { apiKey: options.apiKey };
  const iamAuth: CallAuth = { iam: options.iam };
  const userAuth: CallAuth = { token: options.token };
  const experimentId = options.experimentId;

  // Preflight: the experiment must exist and run, or every event would be rejected.
  let experiment: Experiment;
  try {
    const found = (await client.request(GetExperimentDocument, { id: experimentId }, userAuth)).experiment;
    if (!found) throw new SimulationError(`experiment ${experimentId} was not found: check the id (npm start prints the demo experiment's)`);
    experiment = found;
  } catch (error) {
    if (error instanceof GraphqlCallError && /Unauthorized/i.test(error.errorType ?? '')) {
      throw new SimulationError(
        `the API rejected the experimenters token (${error.message}): the token is signed with the key in .splitloop/jwt-key.pem, ` +
          'so run the simulation from the checkout the server runs from, with the same SPLITLOOP_* settings',
      );
    }
    throw error;
  }
  if (experiment.status !== 'RUNNING') {
    throw new SimulationError(
      `experiment ${experimentId} is ${experiment.status}, not RUNNING: start it first (the dashboard's Start button, or startExperiment)`,
    );
  }
  const baseline = (await client.request(GetLiveCountsDocument, { experimentId }, keyAuth)).liveCounts;

  const added: Record<string, Record<CountField, number>> = Object.fromEntries(experiment.variants.map((v) => [v.key, zeroCounts()]));
  const tally = (variant: string | null | undefined, field: CountField, amount = 1) => {
    if (!variant) return;
    (added[variant] ??= zeroCounts())[field] += amount;
  };
  const countedVariant = (r: RecordResultFieldsFragment) => (r.outcome === 'COUNTED' && !r.duplicate ? r.variant : null);

  const started = Date.now();
  const durationMs = options.durationSeconds * 1000;
  let nextUser = 0;
  let done = 0;
  let enrolled = 0;
  let errors = 0;
  const firstErrors: string[] = [];
  let fatal: unknown;
  const progress = (phase?: string): ProgressState => ({
    done,
    total: options.users,
    requests: client.sent,
    errors,
    elapsedMs: Date.now() - started,
    ...(phase ? { phase } : {}),
  });

  async function playUser(index: number): Promise<void> {
    const userId = `${runId}-u${index}`;
    const assignment = (await client.request(AssignDocument, { experimentId, userId }, keyAuth)).assign;
    if (!assignment.enrolled || !assignment.variant) return;
    enrolled += 1;
    if (assignment.isNew) tally(assignment.variant, 'exposures');
    const rng = createRng(deriveSeed(seed, index));
    const plan = planUser(rng, model, { treatment: assignment.variant !== experiment.control, lift: options.lift });
    if (plan.invites.length === 0) return;

    const code = (await client.request(GetReferralCodeDocument, { experimentId, userId }, keyAuth)).referralCode.code;
    if (!code) throw new Error(`no referral code for enrolled user ${userId}`);
    for (const [i, channel] of plan.invites.entries()) {
      const r = (await client.request(RecordInviteDocument, { input: { eventId: `${userId}-inv${i}`, code, channel } }, keyAuth)).recordInvite;
      tally(countedVariant(r), 'invites');
    }
    for (const [i, invite] of plan.clicks.entries()) {
      const input = { eventId: `${userId}-clk${i}`, code, channel: plan.invites[invite]! };
      tally(countedVariant((await client.request(RecordClickDocument, { input }, keyAuth)).recordClick), 'clicks');
    }
    const refereeIds = plan.signups.map((_, k) => `${userId}-ref${k}`);
    for (const [k, refereeId] of refereeIds.entries()) {
      const input = { eventId: `${userId}-sgn${k}`, code, refereeId };
      tally(countedVariant((await client.request(RecordSignupDocument, { input }, iamAuth)).recordSignup), 'signups');
    }
    for (const [j, c] of plan.conversions.entries()) {
      const input = { eventId: `${userId}-cnv${j}`, experimentId, refereeId: refereeIds[c.referee]!, value: c.value, currency: experiment.currency };
      const r = (await client.request(RecordConversionDocument, { input }, iamAuth)).recordConversion;
      const variant = countedVariant(r);
      tally(variant, 'conversions');
      tally(variant, 'revenue', c.value);
    }
  }

  async function worker(): Promise<void> {
    while (!fatal && !options.signal?.aborted) {
      const index = nextUser;
      if (index >= options.users) return;
      nextUser += 1;
      await sleep(started + (durationMs * index) / options.users - Date.now(), options.signal);
      if (options.signal?.aborted) return;
      try {
        await playUser(index);
      } catch (error) {
        if (error instanceof UnreachableError) {
          fatal ??= error;
          return;
        }
        errors += 1;
        if (firstErrors.length < 5) firstErrors.push(error instanceof Error ? error.message : String(error));
        if (errors > Math.max(20, 0.1 * (done + 1))) {
          fatal ??= new SimulationError(`too many failed requests (${errors}); the first: ${firstErrors.join(' | ')}`);
        }
      }
      done += 1;
      options.onProgress?.(progress());
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, options.users) }, () => worker()));
  if (fatal) throw fatal;
  const aborted = options.signal?.aborted === true;

  // The aggregator folds the stream asynchronously: wait until the live counts include this run.
  const expected = new Map(
    experiment.variants.map((v) => {
      const before = baseline?.variants.find((b) => b.key === v.key);
      const mine = added[v.key] ?? zeroCounts();
      return [v.key, Object.fromEntries(COUNT_FIELDS.map((f) => [f, (before?.[f] ?? 0) + mine[f]])) as Record<CountField, number>];
    }),
  );
  const caughtUp = (live: LiveCountsFieldsFragment | null) =>
    !!live &&
    [...expected].every(([key, want]) => {
      const got = live.variants.find((v) => v.key === key);
      return !!got && COUNT_FIELDS.every((f) => got[f] >= want[f] - 1e-6);
    });
  const settleDeadline = Date.now() + (options.settleSeconds ?? 30) * 1000;
  let live: LiveCountsFieldsFragment | null = null;
  let settled = false;
  for (;;) {
    live = (await client.request(GetLiveCountsDocument, { experimentId }, keyAuth)).liveCounts;
    settled = caughtUp(live);
    if (settled || Date.now() >= settleDeadline) break;
    options.onProgress?.(progress('waiting for the aggregator'));
    await sleep(250);
  }

  let results: Results | null = null;
  let resultsError: string | undefined;
  try {
    results = (await client.request(GetResultsDocument, { experimentId }, userAuth)).results;
  } catch (error) {
    resultsError = error instanceof Error ? error.message : String(error);
  }

  return {
    experiment,
    runId,
    seed,
    lift: options.lift,
    users: options.users,
    enrolled,
    added,
    requests: client.sent,
    errors,
    firstErrors,
    elapsedMs: Date.now() - started,
    aborted,
    trueEffect: trueEffect(model, options.lift),
    settled,
    live,
    results,
    ...(resultsError ? { resultsError } : {}),
  };
}
