// Helpers for the referral-program integration tests (offers, rewards, fraud rules): calls that must
// succeed, direct reads of one item, and waiting for the stream aggregator.
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { App } from '../../cli/app.ts';
import { experimenter, type As, type createClient } from './client.ts';

type Gql = ReturnType<typeof createClient>;
export type Item = Record<string, unknown>;

export const RESULT = 'eventId kind experimentId variant outcome duplicate reason detail paused';
export const REWARD = 'rewardId experimentId userId role variant amount currency name cost status refereeId referrerId tierAt createdAt requestId';
export const Q = {
  create: `mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { id status } }`,
  start: `mutation ($id: ID!) { startExperiment(id: $id) { id status } }`,
  pause: `mutation ($id: ID!) { pauseExperiment(id: $id) { id status } }`,
  assign: `mutation ($e: ID!, $u: ID!) { assign(experimentId: $e, userId: $u) { enrolled variant isNew reason } }`,
  code: `query ($e: ID!, $u: ID!) { referralCode(experimentId: $e, userId: $u) { code variant reason } }`,
  invite: `mutation ($input: RecordInviteInput!) { recordInvite(input: $input) { ${RESULT} } }`,
  click: `mutation ($input: RecordClickInput!) { recordClick(input: $input) { ${RESULT} } }`,
  signup: `mutation ($input: RecordSignupInput!) { recordSignup(input: $input) { ${RESULT} } }`,
  conversion: `mutation ($input: RecordConversionInput!) { recordConversion(input: $input) { ${RESULT} } }`,
  rewards: `query ($u: ID!, $e: ID, $limit: Int, $next: String) { rewards(userId: $u, experimentId: $e, limit: $limit, nextToken: $next) { items { ${REWARD} } nextToken } }`,
  fulfill: `mutation ($input: FulfillRewardInput!) { fulfillReward(input: $input) { ${REWARD} } }`,
  revoke: `mutation ($input: RevokeRewardInput!) { revokeReward(input: $input) { ${REWARD} } }`,
  results: `query ($e: ID!) { results(experimentId: $e) { goalMetric rejectedAsFraud variants { key users conversions rejectedAsFraud funnel { rewardCost netRevenue } goal { metric difference sequentialPValue decision } } metrics { name variants { key mean vsControl { difference differenceCi pValue } } } } }`,
};

export const AUTH: Record<'invite' | 'click' | 'signup' | 'conversion', As> = {
  invite: { apiKey: true }, click: { apiKey: true }, signup: { iam: true }, conversion: { iam: true },
};

export interface RecordResult {
  eventId: string;
  kind: string;
  experimentId: string | null;
  variant: string | null;
  outcome: 'COUNTED' | 'ALREADY_ATTRIBUTED' | 'UNATTRIBUTED' | 'REJECTED';
  duplicate: boolean;
  reason: string | null;
  detail: string | null;
  paused: boolean;
}

export function api(app: App, gql: Gql) {
  const table = app.tableNames.main!;

  async function ok<T = Item>(query: string, variables: Item, as: As = experimenter): Promise<T> {
    const r = await gql<Record<string, T>>(query, variables, as);
    if (r.errors?.length || !r.data) throw new Error(`expected success, got ${JSON.stringify(r.errors)}`);
    return Object.values(r.data)[0]!;
  }

  async function error(query: string, variables: Item, as: As = experimenter) {
    const r = await gql(query, variables, as);
    if (!r.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(r.data)}`);
    return r.errors[0]!;
  }

  const record = (op: keyof typeof AUTH, input: Item) => ok<RecordResult>(Q[op], { input }, AUTH[op]);

  async function getItem(pk: string, sk: string): Promise<Item | undefined> {
    const out = await app.client.send(new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': { S: pk }, ':sk': { S: sk } },
      ConsistentRead: true,
    }));
    return out.Items?.[0] ? unmarshall(out.Items[0]) : undefined;
  }

  async function createRunning(input: Item): Promise<string> {
    const { id } = await ok<{ id: string }>(Q.create, { input });
    await ok(Q.start, { id });
    return id;
  }

  /** Assigns the user and returns their referral code. */
  async function referrer(experimentId: string, userId: string): Promise<{ code: string; variant: string }> {
    await ok(Q.assign, { e: experimentId, u: userId }, { apiKey: true });
    const r = await ok<{ code: string; variant: string }>(Q.code, { e: experimentId, u: userId }, { apiKey: true });
    if (!r.code) throw new Error(`${userId} got no code`);
    return r;
  }

  /** Polls `read` until `done` holds (the stream aggregator is asynchronous). */
  async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (done(v) || Date.now() > until) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return { ok, error, record, getItem, createRunning, referrer, eventually, table };
}
