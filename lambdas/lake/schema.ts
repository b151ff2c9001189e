// The event lake's tables (README: "The event lake"). One definition for the local export (DuckDB
// types), the Glue tables of the AWS lake (Glue/Hive types) and the docs, so the three cannot drift.
// Column names are part of the public contract (CONTRACT.md, "Insights").

export type LakeType = 'string' | 'int' | 'double' | 'timestamp';

export interface LakeColumn {
  name: string;
  type: LakeType;
  comment: string;
}

export interface LakeTable {
  name: 'assignments' | 'events' | 'rewards';
  comment: string;
  /** The row field whose UTC date names the `dt=` partition (the time the item was written). */
  partitionBy: string;
  columns: LakeColumn[];
}

/** Hive-style partition column: `dt=YYYY-MM-DD` (not `date`, a reserved word in Trino). */
export const PARTITION_COLUMN = 'dt';

const col = (name: string, type: LakeType, comment: string): LakeColumn => ({ name, type, comment });

export const LAKE_TABLES: LakeTable[] = [
  {
    name: 'assignments',
    comment: 'one row per enrolled user and experiment (the first, sticky assignment)',
    partitionBy: 'assigned_at',
    columns: [
      col('experiment_id', 'string', 'experiment id'),
      col('phase', 'int', 'phase the user was enrolled in (1 before phases existed)'),
      col('user_id', 'string', 'enrolled user (a potential referrer)'),
      col('variant', 'string', 'variant key'),
      col('assigned_at', 'timestamp', 'UTC time of the first assignment'),
    ],
  },
  {
    name: 'events',
    comment: 'one row per referral event as first recorded (replays of an eventId are not repeated)',
    partitionBy: 'recorded_at',
    columns: [
      col('event_id', 'string', 'client-chosen idempotency id'),
      col('kind', 'string', 'INVITE, CLICK, SIGNUP, CONVERSION (GraphQL EventKind)'),
      col('experiment_id', 'string', 'experiment id'),
      col('phase', 'int', 'phase of the referrer assignment (1 before phases existed)'),
      col('variant', 'string', "referrer's variant; null when the event could not be attributed"),
      col('referrer_id', 'string', 'referrer (from the code or the attribution)'),
      col('referee_id', 'string', 'referred user (signups and conversions)'),
      col('outcome', 'string', 'COUNTED, ALREADY_ATTRIBUTED, UNATTRIBUTED, REJECTED, ... (GraphQL EventOutcome)'),
      col('reason', 'string', 'why an event was not counted (a fraud rule name for REJECTED)'),
      col('channel', 'string', 'invite or click channel as sent by the client'),
      col('value', 'double', 'conversion value'),
      col('currency', 'string', 'ISO 4217 code of value'),
      col('occurred_at', 'timestamp', 'UTC time the client says the event happened'),
      col('recorded_at', 'timestamp', 'UTC time the API stored the event'),
    ],
  },
  {
    name: 'rewards',
    comment: 'one row per reward state (a status change adds a row: keep the latest per reward_id)',
    partitionBy: 'created_at',
    columns: [
      col('reward_id', 'string', 'reward id'),
      col('experiment_id', 'string', 'experiment id'),
      col('user_id', 'string', 'who receives the reward'),
      col('role', 'string', 'REFERRER or REFEREE'),
      col('amount', 'double', 'cost of the reward'),
      col('currency', 'string', 'ISO 4217 code of amount'),
      col('status', 'string', 'PENDING, FULFILLED or REVOKED'),
      col('created_at', 'timestamp', 'UTC time the reward was earned'),
    ],
  },
];

export function lakeTable(name: string): LakeTable {
  const table = LAKE_TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`no lake table ${name}`);
  return table;
}

export type LakeRow = Record<string, string | number | null>;
