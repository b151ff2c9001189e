// results(experimentId) reads one totals item per variant: its DynamoDB reads do not grow with
// the number of recorded events.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../cli/app.ts';
import { lambdaConfigOf, startTestApp } from '../support/app.ts';
import { getDynamoDb } from '../../lambdas/shared/config.ts';
import { createClient, experimenter } from '../support/client.ts';

let app: App;
let gql: ReturnType<typeof createClient>;

beforeAll(async () => {
  ({ app, gql } = await startTestApp());
});

afterAll(async () => {
  await app?.stop();
});

async function experimentWithInvites(invites: number): Promise<string> {
  const created = await gql<{ createExperiment: { id: string } }>(
    'mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }',
    { input: { name: `cost ${invites}`, control: 'A', variants: [{ key: 'A', name: 'A', weight: 0.5 }, { key: 'B', name: 'B', weight: 0.5 }] } },
    experimenter,
  );
  const id = created.data!.createExperiment.id;
  await gql('mutation($id: ID!) { startExperiment(id: $id) { id } }', { id }, experimenter);
  const codes: string[] = [];
  for (let u = 0; u < 20; u += 1) {
    await gql('mutation($id: ID!, $u: ID!) { assign(experimentId: $id, userId: $u) { variant } }', { id, u: `user-${u}` });
    const code = await gql<{ referralCode: { code: string } }>('query($id: ID!, $u: ID!) { referralCode(experimentId: $id, userId: $u) { code } }', { id, u: `user-${u}` });
    codes.push(code.data!.referralCode.code);
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < invites) {
        const i = (next += 1);
        const out = await gql('mutation($input: RecordInviteInput!) { recordInvite(input: $input) { outcome } }', {
          input: { eventId: `inv-${id}-${i}`, code: codes[i % codes.length], channel: 'SMS' },
        });
        expect(out.errors).toBeUndefined();
      }
    }),
  );
  await app.poller!.drain(60_000);
  return id;
}

async function readsDuringResults(experimentId: string): Promise<{ commands: string[]; invites: number }> {
  const commands: string[] = [];
  const client = getDynamoDb(lambdaConfigOf(app));
  const name = `count-${experimentId}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    const out = await gql<{ results: { variants: { funnel: { invites: number } }[] } }>(
      'query($id: ID!) { results(experimentId: $id) { variants { funnel { invites } } } }',
      { id: experimentId },
      experimenter,
    );
    expect(out.errors).toBeUndefined();
    return { commands, invites: out.data!.results.variants.reduce((s, v) => s + v.funnel.invites, 0) };
  } finally {
    client.middlewareStack.remove(name);
  }
}

it('costs the same DynamoDB reads for 100 and 10,000 recorded events', async () => {
  const small = await readsDuringResults(await experimentWithInvites(100));
  const large = await readsDuringResults(await experimentWithInvites(10_000));
  expect(small.invites).toBe(100);
  expect(large.invites).toBe(10_000);
  expect(small.commands).toEqual(['QueryCommand']);
  expect(large.commands).toEqual(small.commands);
}, 300_000);
