// The single table's keys (README: "Data model"), spelled once. Written in the APPSYNC_JS subset:
// esbuild bundles this file into the JS resolvers and the Lambdas import it, so a key cannot be
// spelled one way in a resolver and another in a Lambda.
export const EXPERIMENT_SK = 'META';
export const AGGREGATE_SK_PREFIX = 'AGG#';
export const FINAL_SK_PREFIX = 'FINAL#';
/** The scheduled analysis' state, in the experiment's partition (read by the same one Query). */
export const ANALYSIS_SK = 'ANALYSIS';

/** A phase in sort keys: 4 digits, so that phases sort in order. */
const phaseKey = (phase: number) => `P#${`000${phase}`.slice(-4)}#`;

export const keys = {
  experiment: (id: string) => ({ pk: `EXP#${id}`, sk: EXPERIMENT_SK }),
  /**
   * The experiment's partition: its META item, one AGG#<phase>#<variant> totals item per phase and
   * variant, and once stopped one FINAL#<phase> frozen readout per phase.
   */
  experimentPartition: (id: string) => `EXP#${id}`,
  assignment: (experimentId: string, userId: string) => ({ pk: `EXP#${experimentId}#U#${userId}`, sk: 'ASSIGN' }),
  code: (code: string) => ({ pk: `CODE#${code}`, sk: 'CODE' }),
  /**
   * The referee's attribution. Since issue 16 it is also the counted signup's event item (entity
   * Event, kind SIGNUP): one conditional put is both "one attribution per referee" and the event.
   */
  attribution: (experimentId: string, refereeId: string) => ({ pk: `EXP#${experimentId}#REF#${refereeId}`, sk: 'ATTR' }),
  /** The referee's first counted conversion (an event item): one per referee, so "first" is decided by a conditional put. */
  firstConversion: (experimentId: string, refereeId: string) => ({ pk: `EXP#${experimentId}#REF#${refereeId}`, sk: 'CONV1' }),
  event: (experimentId: string, eventId: string) => ({ pk: `EXP#${experimentId}#E#${eventId}`, sk: 'EVT' }),
  aggregate: (experimentId: string, phase: number, variant: string) => ({ pk: `EXP#${experimentId}`, sk: `${AGGREGATE_SK_PREFIX}${phase}#${variant}` }),
  /** The aggregator's marker of one applied stream record (its eventID): exactly-once totals (issue 12; no longer written). */
  aggregateRecord: (eventId: string) => ({ pk: `AGGREC#${eventId}`, sk: 'AGGREC' }),
  /** The aggregator's marker of one committed chunk of stream records, keyed by its first record's hash (issue 16). */
  aggregateChunk: (recordHash: string) => ({ pk: `AGGCHUNK#${recordHash}`, sk: 'AGGCHUNK' }),
  finalResults: (experimentId: string, phase: number) => ({ pk: `EXP#${experimentId}`, sk: `${FINAL_SK_PREFIX}${phase}` }),
  analysisState: (experimentId: string) => ({ pk: `EXP#${experimentId}`, sk: ANALYSIS_SK }),
  /** Results snapshots: P#<phase>#<computedAt>, oldest first; `resultsHistory` is one Query. */
  snapshots: (experimentId: string) => `EXP#${experimentId}#SNAP`,
  snapshotPrefix: phaseKey,
  snapshot: (experimentId: string, phase: number, computedAt: string) => ({ pk: `EXP#${experimentId}#SNAP`, sk: `${phaseKey(phase)}${computedAt}` }),
  /** Alerts: P#<phase>#<kind>, so one per experiment, phase and kind. */
  alerts: (experimentId: string) => `EXP#${experimentId}#ALERT`,
  alert: (experimentId: string, phase: number, kind: string) => ({ pk: `EXP#${experimentId}#ALERT`, sk: `${phaseKey(phase)}${kind}` }),
  /** Where the last time-bounded analysis run stopped. */
  analysisCursor: () => ({ pk: 'ANALYSIS', sk: 'CURSOR' }),
  /** A user's rewards: one partition per user, sorted by experiment then reward id (issue 14). */
  rewardPartition: (userId: string) => `USER#${userId}#RWD`,
  reward: (userId: string, experimentId: string, rewardId: string) => ({ pk: `USER#${userId}#RWD`, sk: `${experimentId}#${rewardId}` }),
  /** gsi1: experiments by status, newest first. */
  experimentsByStatus: (status: string) => `STATUS#${status}`,
};
