// Public types of the local DynamoDB data source: what it is given and what it hands back.
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDbSender } from './lean-client.ts';

/** An error as AppSync puts it in `ctx.error`. */
export interface DataSourceError {
  type: string;
  message: string;
}

/**
 * What the data source hands to the response handler: `result` becomes `ctx.result`, `error`
 * becomes `ctx.error`. A failed call may still carry a result (the current item of a failed
 * condition check, the cancellation reasons of a cancelled transaction).
 */
export type DataSourceOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: DataSourceError; result?: unknown };

/** Per-call information the data source may need (the conflict handler Lambda's event). */
export interface DataSourceCallContext {
  identity?: unknown;
  arguments?: Record<string, unknown>;
  /** The field being resolved (AppSync's `ctx.info`), reported to a conflict handler Lambda. */
  info?: { fieldName?: string; parentTypeName?: string };
}

/** `conditionalCheckFailedHandler: { strategy: 'Custom', lambdaArn }` calls this. */
export type ConflictHandlerInvoker = (lambdaArn: string, event: ConflictHandlerEvent) => Promise<unknown>;

export interface ConflictHandlerEvent {
  arguments: Record<string, unknown>;
  requestMapping: unknown;
  currentValue: unknown;
  resolver: Record<string, unknown>;
  identity: unknown;
}

export interface DynamoDbDataSourceOptions {
  /** The SDK's DynamoDBClient, or the lean one (lean-client.ts) the local host uses. */
  client: DynamoDbSender;
  /** The physical table of the data source (single-item operations, Query, Scan). */
  tableName: string;
  /**
   * Batch and transaction requests name their tables; in AWS those are physical names. Map a
   * name used in a request to the local physical table here; unmapped names are used as given.
   */
  tableNames?: Record<string, string>;
  /** Called after every DynamoDB call with the API name and the capacity it consumed. */
  onConsumedCapacity?: (operation: string, capacity: ConsumedCapacity[]) => void;
  /** Needed only by condition checks whose failure handler strategy is `Custom`. */
  invokeConflictHandler?: ConflictHandlerInvoker;
  /** Region reported to a conflict handler Lambda (`resolver.awsRegion`). */
  region?: string;
}

export type DynamoDbDataSource = (request: unknown, ctx?: DataSourceCallContext) => Promise<DataSourceOutcome>;
