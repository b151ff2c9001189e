// The single table's keys (README: "Data model"), spelled once. Written in the APPSYNC_JS subset:
// esbuild bundles this file into the JS resolvers and the Lambdas import it, so a key cannot be
// spelled one way in a resolver and another in a Lambda.
export const EXPERIMENT_SK = 'META';
export const AGGREGATE_SK_PREFIX = 'AGG#';

export const keys = {
  experiment: (id: string) => ({ pk: `EXP#${id}`, sk: EXPERIMENT_SK }),
  /** The experiment's partition: its META item and one AGG#<variant> totals item per variant. */
  experimentPartition: (id: string) => `EXP#${id}`,
  assignment: (experimentId: string, userId: string) => ({ pk: `EXP#${experimentId}#U#${userId}`, sk: 'ASSIGN' }),
  code: (code: string) => ({ pk: `CODE#${code}`, sk: 'CODE' }),
  attribution: (experimentId: string, refereeId: string) => ({ pk: `EXP#${experimentId}#REF#${refereeId}`, sk: 'ATTR' }),
  event: (experimentId: string, eventId: string) => ({ pk: `EXP#${experimentId}#E#${eventId}`, sk: 'EVT' }),
  aggregate: (experimentId: string, variant: string) => ({ pk: `EXP#${experimentId}`, sk: `${AGGREGATE_SK_PREFIX}${variant}` }),
  aggregateBatch: (first: string, last: string, chunk: number) => ({ pk: `AGGBATCH#${first}-${last}`, sk: `CHUNK#${chunk}` }),
  /** A user's rewards: one partition per user, sorted by experiment then reward id (issue 14). */
  rewardPartition: (userId: string) => `USER#${userId}#RWD`,
  reward: (userId: string, experimentId: string, rewardId: string) => ({ pk: `USER#${userId}#RWD`, sk: `${experimentId}#${rewardId}` }),
  /** gsi1: experiments by status, newest first. */
  experimentsByStatus: (status: string) => `STATUS#${status}`,
};
