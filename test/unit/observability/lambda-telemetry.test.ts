// Every Lambda, run as in AWS (AWS_LAMBDA_FUNCTION_NAME set, Powertools dev mode off): each line it
// writes is JSON carrying the Lambda request id and what it served, and its metrics are EMF.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
const lines: string[] = [];
const everything: string[] = [];
const saved = { ...process.env };
let handlers: Record<'admin' | 'assign' | 'events' | 'results' | 'aggregate', Handler>;
let countOutcome: (field: string, result: unknown) => void;
let countAssignment: (field: string, result: unknown) => void;
let observe: typeof import('../../../lambdas/shared/observability.ts').observe;

const capture = (chunk: string | Uint8Array) => {
  const split = String(chunk).split('\n').filter((l) => l.trim());
  lines.push(...split);
  everything.push(...split);
  return true;
};

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_LAMBDA_FUNCTION_NAME: 'splitloop-test',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', // Powertools counts a cold start only then, as Lambda sets it
    POWERTOOLS_DEV: 'false',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_NAMESPACE: 'Splitloop',
  });
  process.env.TABLE_NAME = 'splitloop-test'; // nothing below reaches DynamoDB
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  vi.resetModules();
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
  const load = async (name: string) => ((await import(`../../../lambdas/${name}/handler.ts`)) as { handler: Handler }).handler;
  handlers = { admin: await load('admin'), assign: await load('assign'), events: await load('events'), results: await load('results'), aggregate: await load('aggregate') };
  ({ countOutcome } = await import('../../../lambdas/events/outcome-metrics.ts'));
  ({ countAssignment } = await import('../../../lambdas/assign/assignment-metrics.ts'));
  ({ observe } = await import('../../../lambdas/shared/observability.ts'));
});

afterAll(() => {
  vi.restoreAllMocks();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

beforeEach(() => {
  lines.length = 0;
});

const context = (id: string) => ({ functionName: 'splitloop-test', awsRequestId: id, memoryLimitInMB: '256', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:splitloop-test', getRemainingTimeInMillis: () => 10_000 });
const fieldEvent = (parentTypeName: string, fieldName: string, args: Record<string, unknown>) => ({
  arguments: args,
  identity: null,
  source: null,
  request: { headers: {}, domainName: null },
  info: { fieldName, parentTypeName, variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
  prev: null,
  stash: {},
});

function parsed() {
  // Every line must be JSON: a plain console line would fail here.
  const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const emf = records.filter((r) => r._aws !== undefined);
  const logs = records.filter((r) => r._aws === undefined);
  return { records, emf, logs };
}

type Emf = { _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } } & Record<string, unknown>;

function metricNamed(emf: Record<string, unknown>[], name: string): Emf {
  const hit = emf.find((r) => (r as Emf)._aws.CloudWatchMetrics[0]!.Metrics.some((m) => m.Name === name));
  expect(hit, `EMF line with ${name} in ${JSON.stringify(emf)}`).toBeDefined();
  const e = hit as Emf;
  expect(typeof e._aws.Timestamp).toBe('number');
  expect(e._aws.CloudWatchMetrics[0]!.Namespace).toBe('Splitloop');
  expect(e[name]).toBeDefined();
  return e;
}

const fields: [keyof typeof handlers, string, string][] = [
  ['admin', 'Mutation', 'createExperiment'],
  ['assign', 'Mutation', 'assign'],
  ['events', 'Mutation', 'recordInvite'],
  ['results', 'Query', 'results'],
];

describe('Lambda telemetry (Powertools)', () => {
  it.each(fields)('%s: a rejected %s.%s logs JSON with request id and field, and counts the error type as EMF', async (name, type, field) => {
    const result = (await handlers[name](fieldEvent(type, field, {}), context(`req-${name}`))) as { error?: { errorType: string } };
    expect(result.error?.errorType).toBe('ValidationError');
    const { logs, emf } = parsed();
    const line = logs.find((l) => l.message === 'resolved');
    expect(line).toMatchObject({ level: 'INFO', service: 'splitloop', function_request_id: `req-${name}`, field: `${type}.${field}`, outcome: 'error', errorType: 'ValidationError' });
    expect(typeof line!.timestamp).toBe('string');
    const e = metricNamed(emf, 'ClientErrors');
    expect(e.errorType).toBe('ValidationError');
    expect(e._aws.CloudWatchMetrics[0]!.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'errorType']));
  });

  it('an unexpected failure is logged at ERROR with the field and request id, counted as InternalErrors', async () => {
    delete process.env.TABLE_NAME; // the handler's context cannot be built: an unexpected failure
    const result = (await handlers.assign(fieldEvent('Mutation', 'assign', { experimentId: 'e1', userId: 'u1' }), context('req-fail')).finally(() => {
      process.env.TABLE_NAME = 'splitloop-test';
    })) as { error?: { errorType: string } };
    expect(result.error?.errorType).toBe('InternalError');
    const { logs, emf } = parsed();
    const line = logs.find((l) => l.level === 'ERROR');
    expect(line).toMatchObject({ function_request_id: 'req-fail', field: 'Mutation.assign', message: 'Mutation.assign failed' });
    expect(JSON.stringify(line!.error)).toContain('TABLE_NAME');
    metricNamed(emf, 'InternalErrors');
  });

  it('aggregate: a stream batch logs JSON with the request id and emits batch size and lag as EMF', async () => {
    const created = Math.floor(Date.now() / 1000) - 5;
    // a change to an item the aggregator does not count: folded to nothing, no DynamoDB call
    const record = { eventID: '1', eventName: 'INSERT', dynamodb: { SequenceNumber: '1', ApproximateCreationDateTime: created, NewImage: { pk: { S: 'X#1' }, sk: { S: 'Y' } } } };
    await handlers.aggregate({ Records: [record, { ...record, eventID: '2' }] }, context('req-agg'));
    const { logs, emf } = parsed();
    expect(logs.find((l) => l.message === 'stream batch')).toMatchObject({ function_request_id: 'req-agg', records: 2 });
    const e = metricNamed(emf, 'StreamBatchSize');
    expect(e.StreamBatchSize).toBe(2);
    expect(e.StreamLag as number).toBeGreaterThanOrEqual(4000);
    expect(e._aws.CloudWatchMetrics[0]!.Metrics).toContainEqual({ Name: 'StreamLag', Unit: 'Milliseconds' });
  });

  it('business metrics: assignments new/returning, events counted/duplicate/rejected by reason', async () => {
    const run = observe('test', async () => {
      countAssignment('Mutation.assign', { enrolled: true, isNew: true });
      countAssignment('Mutation.assign', { enrolled: true, isNew: false });
      countAssignment('Mutation.assign', { enrolled: false, reason: 'NOT_RUNNING' });
      countOutcome('Mutation.recordClick', { outcome: 'COUNTED', duplicate: false });
      countOutcome('Mutation.recordClick', { outcome: 'COUNTED', duplicate: true });
      countOutcome('Mutation.recordSignup', { outcome: 'REJECTED', duplicate: false, reason: 'SELF_REFERRAL' });
      countOutcome('Mutation.recordSignup', { outcome: 'UNATTRIBUTED', duplicate: false, reason: 'free text, not a code' });
    });
    await run({}, context('req-biz'));
    const { emf } = parsed();
    for (const name of ['AssignmentsNew', 'AssignmentsReturning', 'EventsCounted', 'EventsDuplicate']) expect(metricNamed(emf, name)[name]).toBe(1);
    expect(metricNamed(emf, 'EventsRejected').reason).toBe('SELF_REFERRAL');
    expect(metricNamed(emf, 'AssignmentsNotEnrolled').reason).toBe('NOT_RUNNING');
    expect(metricNamed(emf, 'EventsNotCounted').outcome).toBe('UNATTRIBUTED');
  });

  it('the first invocation of a process emits a ColdStart metric, later ones do not', async () => {
    await handlers.results(fieldEvent('Query', 'results', {}), context('req-warm'));
    expect(parsed().emf.some((r) => 'ColdStart' in r)).toBe(false);
    const coldStarts = everything.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => 'ColdStart' in r);
    expect(coldStarts).toHaveLength(1);
    expect(coldStarts[0]).toMatchObject({ ColdStart: 1, function_name: 'splitloop-test', service: 'splitloop' });
  });
});
