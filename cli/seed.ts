// The demo experiment a newcomer finds after `npm start`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signToken, type AuthSettings } from '../local/appsync/auth/index.ts';

export const DEMO_EXPERIMENT = {
  name: 'Referral reward: $5 vs $10',
  description: 'Does doubling the referrer reward bring more converting referrals? (demo)',
  control: 'reward-5',
  coverage: 1,
  attributionWindowDays: 30,
  minimumDetectableEffect: 0.1,
  variants: [
    { key: 'reward-5', name: '$5 reward', weight: 0.5, config: JSON.stringify({ rewardUsd: 5, copy: 'Give $5, get $5' }), offer: { referrer: { amount: 5 }, referee: { amount: 5 } } },
    { key: 'reward-10', name: '$10 reward', weight: 0.5, config: JSON.stringify({ rewardUsd: 10, copy: 'Give $10, get $10' }), offer: { referrer: { amount: 10 }, referee: { amount: 10 } } },
  ],
};

async function call(graphqlUrl: string, token: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await response.json()) as { data?: Record<string, { id: string }>; errors?: { message: string }[] };
  if (json.errors?.length) throw new Error(`seeding failed: ${json.errors.map((e) => e.message).join('; ')}`);
  return json.data!;
}

/** Creates and starts the demo experiment once per data folder; returns its id. */
export async function seedDemo(dataDir: string, graphqlUrl: string, auth: AuthSettings): Promise<string> {
  const marker = join(dataDir, 'demo-experiment.json');
  if (existsSync(marker)) return (JSON.parse(readFileSync(marker, 'utf8')) as { id: string }).id;
  const token = signToken({ user: 'demo-seeder', groups: ['experimenters'] }, auth);
  const created = await call(graphqlUrl, token, 'mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }', {
    input: DEMO_EXPERIMENT,
  });
  const id = created.createExperiment!.id;
  await call(graphqlUrl, token, 'mutation($id: ID!) { startExperiment(id: $id) { id } }', { id });
  writeFileSync(marker, JSON.stringify({ id }));
  return id;
}
