// Write units per write path (issue 5), measured with ReturnConsumedCapacity against DynamoDB Local
// and compared with the figures in lambdas/events/record.ts's header comment and docs/referrals.md.
//
// The Lambdas run in this process and share one DynamoDB client (lambdas/shared/config.ts); a
// middleware on that client asks every command for its consumed capacity and records it. The local
// AppSync's own client (JS resolvers such as referralCode) is observed by wrapping `send` of the
// SDK's DynamoDBClient class, since the host does not expose it.
import { DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { InitializeHandler, InitializeHandlerArguments, InitializeHandlerOutput, MetadataBearer } from '@smithy/types';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../cli/app.ts';
import { assignVariant } from '../../lambdas/domain/bucketing.ts';
import { getDynamoDb } from '../../lambdas/shared/config.ts';
import { authSettingsFromEnv } from '../../local/appsync/auth/index.ts';
import { createClient, experimenter, type As } from '../support/client.ts';

interface Call {
  source: 'lambda' | 'resolver';
  command: string;
  input: Record<string, unknown>;
  /** Null when the call failed: DynamoDB reports no capacity on an error response. */
  capacity: ConsumedCapacity | null;
  error?: string;
}

const RESULT = 'eventId kind variant outcome duplicate reason';
const Q = {
  create: `mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`,
  start: `mutation ($id: ID!) { startExperiment(id: $id) { id status } }`,
  pause: `mutation ($id: ID!) { pauseExperiment(id: $id) { id status } }`,
  assign: `mutation ($e: ID!, $u: ID!) { assign(experimentId: $e, userId: $u) { variant } }`,
  code: `query ($e: ID!, $u: ID!) { referralCode(experimentId: $e, userId: $u) { code variant } }`,
  invite: `mutation ($input: RecordInviteInput!) { recordInvite(input: $input) { ${RESULT} } }`,
  click: `mutation ($input: RecordClickInput!) { recordClick(input: $input) { ${RESULT} } }`,
  signup: `mutation ($input: RecordSignupInput!) { recordSignup(input: $input) { ${RESULT} } }`,
  conversion: `mutation ($input: RecordConversionInput!) { recordConversion(input: $input) { ${RESULT} } }`,
};
const SALT = 'issue5-capacity';
const VARIANTS = [
  { key: 'A', name: 'control', weight: 0.5 },
  { key: 'B', name: 'double reward', weight: 0.5 },
];

let app: App;
let gql: ReturnType<typeof createClient>;
const calls: Call[] = [];
const rawLog: unknown[] = [];
let lambdaClient: DynamoDBClient;
const originalSend = DynamoDBClient.prototype.send;

function capacityOf(output: unknown): ConsumedCapacity | null {
  rawLog.push((output as { ConsumedCapacity?: unknown }).ConsumedCapacity);
  const consumed = (output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
  if (!consumed) return null;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  // One table: a single entry. Sum defensively all the same.
  return list.reduce<ConsumedCapacity>(
    (sum, c) => ({
      CapacityUnits: (sum.CapacityUnits ?? 0) + (c.CapacityUnits ?? 0),
      ReadCapacityUnits: (sum.ReadCapacityUnits ?? 0) + (c.ReadCapacityUnits ?? 0),
      WriteCapacityUnits: (sum.WriteCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0),
    }),
    {},
  );
}

beforeAll(async () => {
  const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-cap-')) });
  app = await startApp({ auth });
  gql = createClient(app.api.graphqlUrl, auth);

  // The Lambdas' client: ask for capacity on every command and record what came back.
  lambdaClient = getDynamoDb();
  lambdaClient.middlewareStack.add(
    <O extends MetadataBearer>(next: InitializeHandler<object, O>, context: { commandName?: string }): InitializeHandler<object, O> =>
      async (args: InitializeHandlerArguments<object>): Promise<InitializeHandlerOutput<O>> => {
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity = 'INDEXES';
        const call: Call = { source: 'lambda', command: context.commandName ?? '?', input, capacity: null };
        calls.push(call);
        try {
          const out = await next(args);
          call.capacity = capacityOf(out.output);
          return out;
        } catch (error) {
          call.error = (error as Error).name;
          throw error;
        }
      },
    { step: 'initialize', name: 'measureConsumedCapacity' },
  );

  // Every other DynamoDBClient except the test's own: the local AppSync's resolver data source.
  DynamoDBClient.prototype.send = async function send(this: DynamoDBClient, command: { input: Record<string, unknown>; constructor: { name: string } }) {
    if (this === lambdaClient || this === app.client) return originalSend.call(this, command as never);
    command.input.ReturnConsumedCapacity = 'INDEXES';
    const call: Call = { source: 'resolver', command: command.constructor.name.replace(/Command$/, ''), input: command.input, capacity: null };
    calls.push(call);
    try {
      const out = await originalSend.call(this, command as never);
      call.capacity = capacityOf(out);
      return out;
    } catch (error) {
      call.error = (error as Error).name;
      throw error;
    }
  } as typeof DynamoDBClient.prototype.send;
});

afterAll(async () => {
  DynamoDBClient.prototype.send = originalSend;
  lambdaClient?.middlewareStack.remove('measureConsumedCapacity');
  await app?.stop();
});

/** The stream aggregator's own work (batch marker + totals, live-counts query), told apart by its keys. */
function isAggregator(call: Call): boolean {
  const text = JSON.stringify(call.input);
  return text.includes('AGGBATCH#') || (call.command === 'Query' && text.includes('"pk = :pk"'));
}

/** Runs `fn` with nothing else pending and returns the DynamoDB calls it made (aggregator excluded). */
async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; calls: Call[]; wcu: number; rcu: number }> {
  await app.poller!.drain();
  calls.length = 0;
  const value = await fn();
  const made = calls.filter((c) => !isAggregator(c));
  const wcu = made.reduce((s, c) => s + (c.capacity?.WriteCapacityUnits ?? 0), 0);
  const rcu = made.reduce((s, c) => s + (c.capacity?.ReadCapacityUnits ?? 0), 0);
  return { value, calls: made, wcu, rcu };
}

/** `command:units` per call, writes as W, reads as R; failed calls as `command!error`. */
function shape(made: Call[]): string[] {
  return made.map((c) => {
    if (c.error) return `${c.command}!${c.error}`;
    const w = c.capacity?.WriteCapacityUnits ?? 0;
    const r = c.capacity?.ReadCapacityUnits ?? 0;
    return `${c.source === 'resolver' ? 'resolver:' : ''}${c.command}:${w ? `W${w}` : ''}${r ? `R${r}` : ''}`;
  });
}

async function ok<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, as: As): Promise<T> {
  const r = await gql<Record<string, T>>(query, variables, as);
  if (r.errors?.length || !r.data) throw new Error(`expected success, got ${JSON.stringify(r.errors)}`);
  return Object.values(r.data)[0]!;
}

function userIn(variant: string, prefix: string): string {
  for (let i = 0; ; i += 1) {
    const a = assignVariant({ salt: SALT, coverage: 1, variants: VARIANTS }, `${prefix}-${i}`);
    if (a.enrolled && a.variantKey === variant) return `${prefix}-${i}`;
  }
}

describe('write units per write path (DynamoDB Local, ReturnConsumedCapacity)', () => {
  let exp: string;
  const referrer = userIn('B', 'cap-referrer');
  const other = userIn('A', 'cap-other');
  let code = '';
  let otherCode = '';
  const measured: Record<string, { wcu: number; rcu: number; calls: string[] }> = {};
  const note = (path: string, m: { wcu: number; rcu: number; calls: Call[] }) => {
    measured[path] = { wcu: m.wcu, rcu: m.rcu, calls: shape(m.calls) };
  };

  beforeAll(async () => {
    exp = (await ok<{ id: string }>(Q.create, { input: { name: 'capacity', variants: VARIANTS, control: 'A', salt: SALT, attributionWindowDays: 7 } }, experimenter)).id;
    await ok(Q.start, { id: exp }, experimenter);
  });

  afterAll(() => {
    console.log(JSON.stringify(measured, null, 1));
    console.log("RAW", JSON.stringify(rawLog.slice(0, 400)));
  });

  it('observes the Lambdas\' own client', async () => {
    const m = await measure(() => ok(Q.assign, { e: exp, u: referrer }, { apiKey: true }));
    note('assign (new user)', m);
    expect(m.calls.length).toBeGreaterThan(0);
    await ok(Q.assign, { e: exp, u: other }, { apiKey: true });
  });

  it('referralCode (first request creates the code)', async () => {
    const m = await measure(() => ok<{ code: string }>(Q.code, { e: exp, u: referrer }, { apiKey: true }));
    code = m.value.code;
    note('referralCode (create)', m);
    const again = await measure(() => ok<{ code: string }>(Q.code, { e: exp, u: referrer }, { apiKey: true }));
    note('referralCode (existing)', again);
    otherCode = (await ok<{ code: string }>(Q.code, { e: exp, u: other }, { apiKey: true })).code;
  });

  it('recordInvite / recordClick', async () => {
    note('recordInvite (counted)', await measure(() => ok(Q.invite, { input: { eventId: 'c-inv-1', code, channel: 'SMS' } }, { apiKey: true })));
    note('recordClick (counted)', await measure(() => ok(Q.click, { input: { eventId: 'c-clk-1', code, channel: 'SMS' } }, { apiKey: true })));
    note('recordInvite (replay)', await measure(() => ok(Q.invite, { input: { eventId: 'c-inv-1', code, channel: 'SMS' } }, { apiKey: true })));
  });

  it('recordSignup', async () => {
    note('recordSignup (counted)', await measure(() => ok(Q.signup, { input: { eventId: 'c-sgn-1', code, refereeId: 'cap-referee-1' } }, { iam: true })));
    note('recordSignup (already attributed)', await measure(() => ok(Q.signup, { input: { eventId: 'c-sgn-2', code: otherCode, refereeId: 'cap-referee-1' } }, { iam: true })));
    note('recordSignup (replay)', await measure(() => ok(Q.signup, { input: { eventId: 'c-sgn-1', code, refereeId: 'cap-referee-1' } }, { iam: true })));
    const longReferee = 'r'.repeat(256);
    note('recordSignup (counted, 256-char refereeId, 128-char eventId)', await measure(() => ok(Q.signup, { input: { eventId: 'e'.repeat(128), code, refereeId: longReferee } }, { iam: true })));
    note('recordSignup (already attributed, 256-char refereeId, 128-char eventId)', await measure(() => ok(Q.signup, { input: { eventId: 'f'.repeat(128), code: otherCode, refereeId: longReferee } }, { iam: true })));
  });

  it('recordConversion', async () => {
    const conv = (eventId: string, refereeId: string, extra: Record<string, unknown> = {}) =>
      ok(Q.conversion, { input: { eventId, experimentId: exp, refereeId, value: 12.5, currency: 'USD', ...extra } }, { iam: true });
    note('recordConversion (counted)', await measure(() => conv('c-cnv-1', 'cap-referee-1')));
    note('recordConversion (unattributed: unknown referee)', await measure(() => conv('c-cnv-2', 'cap-nobody')));
    note('recordConversion (unattributed: after the window)', await measure(() => conv('c-cnv-3', 'cap-referee-1', { occurredAt: new Date(Date.now() + 30 * 86_400_000).toISOString() })));
    note('recordConversion (replay)', await measure(() => conv('c-cnv-1', 'cap-referee-1')));
  });

  it('the stream aggregator', async () => {
    await app.poller!.drain();
    calls.length = 0;
    await ok(Q.invite, { input: { eventId: 'c-inv-a', code: otherCode, channel: 'SMS' } }, { apiKey: true });
    await ok(Q.invite, { input: { eventId: 'c-inv-b', code, channel: 'SMS' } }, { apiKey: true });
    await app.poller!.drain();
    console.log('AGGDEBUG', JSON.stringify(calls.map((c) => [c.source, c.command, JSON.stringify(c.input).slice(0, 300), c.capacity, c.error])));
    const batches = calls.filter((c) => c.command === 'TransactWriteItems' && JSON.stringify(c.input).includes('AGGBATCH#'));
    measured['aggregator batch'] = { wcu: 0, rcu: 0, calls: batches.map((b) => `items=${(b.input.TransactItems as unknown[]).length} ${shape([b])[0]}`) };
  });

  it('recordInvite while the experiment is paused', async () => {
    await ok(Q.pause, { id: exp }, experimenter);
    note('recordInvite (paused: unattributed)', await measure(() => ok(Q.invite, { input: { eventId: 'c-inv-p', code, channel: 'SMS' } }, { apiKey: true })));
  });
});
