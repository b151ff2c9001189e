// The single table's keys (README: "Data model"), spelled once. Written in the APPSYNC_JS subset:
// esbuild bundles this file into the JS resolvers and the Lambdas import it, so a key cannot be
// spelled one way in a resolver and another in a Lambda.
export const EXPERIMENT_SK = 'META';
export const AGGREGATE_SK_PREFIX = 'AGG#';
export const FINAL_SK_PREFIX = 'FINAL#';

export const keys = {
  experiment: (id: string) => ({ pk: `EXP#${id}`, sk: EXPERIMENT_SK }),
  /**
   * The experiment's partition: its META item, one AGG#<phase>#<variant> totals item per phase and
   * variant, and once stopped one FINAL#<phase> frozen readout per phase.
   */
  experimentPartition: (id: string) => `EXP#${id}`,
  assignment: (experimentId: string, userId: string) => ({ pk: `EXP#${experimentId}#U#${userId}`, sk: 'ASSIGN' }),
  code: (code: string) => ({ pk: `CODE#${code}`, sk: 'CODE' }),
  attribution: (experimentId: string, refereeId: string) => ({ pk: `EXP#${experimentId}#REF#${refereeId}`, sk: 'ATTR' }),
  event: (experimentId: string, eventId: string) => ({ pk: `EXP#${experimentId}#E#${eventId}`, sk: 'EVT' }),
  aggregate: (experimentId: string, phase: number, variant: string) => ({ pk: `EXP#${experimentId}`, sk: `${AGGREGATE_SK_PREFIX}${phase}#${variant}` }),
  /** The aggregator's marker of one applied stream record (its eventID): exactly-once totals. */
  aggregateRecord: (eventId: string) => ({ pk: `AGGREC#${eventId}`, sk: 'AGGREC' }),
  finalResults: (experimentId: string, phase: number) => ({ pk: `EXP#${experimentId}`, sk: `${FINAL_SK_PREFIX}${phase}` }),
  /** gsi1: experiments by status, newest first. */
  experimentsByStatus: (status: string) => `STATUS#${status}`,
};
