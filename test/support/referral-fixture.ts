// Builds a running experiment with referrers and attributed referees through the real API.
import { expect } from 'vitest';
import { experimenter, type createClient } from './client.ts';

type Gql = ReturnType<typeof createClient>;

export interface ReferralSetup {
  experimentId: string;
  referees: string[];
}

export async function setupReferrals(gql: Gql, name: string, referrers: number, refereesPerReferrer: number): Promise<ReferralSetup> {
  const created = await gql<{ createExperiment: { id: string } }>(
    'mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }',
    { input: { name, control: 'A', variants: [{ key: 'A', name: 'A', weight: 0.5 }, { key: 'B', name: 'B', weight: 0.5 }] } },
    experimenter,
  );
  expect(created.errors).toBeUndefined();
  const experimentId = created.data!.createExperiment.id;
  await gql('mutation($id: ID!) { startExperiment(id: $id) { id } }', { id: experimentId }, experimenter);
  const referees: string[] = [];
  for (let r = 0; r < referrers; r += 1) {
    const userId = `${name}-referrer-${r}`;
    await gql('mutation($e: ID!, $u: ID!) { assign(experimentId: $e, userId: $u) { variant } }', { e: experimentId, u: userId });
    const code = (await gql<{ referralCode: { code: string } }>('query($e: ID!, $u: ID!) { referralCode(experimentId: $e, userId: $u) { code } }', { e: experimentId, u: userId })).data!
      .referralCode.code;
    for (let k = 0; k < refereesPerReferrer; k += 1) {
      const refereeId = `${name}-referee-${r}-${k}`;
      const signup = await gql(
        'mutation($input: RecordSignupInput!) { recordSignup(input: $input) { outcome } }',
        { input: { eventId: `signup-${refereeId}`, code, refereeId } },
        { iam: true },
      );
      expect(signup.errors).toBeUndefined();
      referees.push(refereeId);
    }
  }
  return { experimentId, referees };
}

/** Runs `count` tasks with at most `concurrency` in flight. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        await task(i);
      }
    }),
  );
}
