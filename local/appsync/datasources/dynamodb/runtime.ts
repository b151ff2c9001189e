// What every operation handler gets: the client, table names, the call context, and a hook that
// reports the capacity each DynamoDB call consumed.
import type { ConsumedCapacity, ReturnConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDbSender } from './lean-client.ts';
import type { DataSourceCallContext, DataSourceOutcome, DynamoDbDataSourceOptions } from './types.ts';
import type { RequestObject } from './validate.ts';

export interface Runtime {
  client: DynamoDbSender;
  options: DynamoDbDataSourceOptions;
  ctx: DataSourceCallContext;
  /** The data source's own table. */
  tableName: string;
  /** The physical table for a table name used in a batch or transaction request. */
  physicalTable(name: string): string;
  /** Spread into every command input. */
  capacity: { ReturnConsumedCapacity?: ReturnConsumedCapacity };
  recordCapacity(operation: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void;
}

export type OperationHandler = (request: RequestObject, rt: Runtime) => Promise<DataSourceOutcome>;

export function createRuntime(options: DynamoDbDataSourceOptions, ctx: DataSourceCallContext): Runtime {
  const callback = options.onConsumedCapacity;
  return {
    client: options.client,
    options,
    ctx,
    tableName: options.tableName,
    physicalTable: (name) => options.tableNames?.[name] ?? name,
    capacity: callback ? { ReturnConsumedCapacity: 'INDEXES' } : {},
    recordCapacity(operation, consumed) {
      if (!callback || consumed === undefined) return;
      callback(operation, Array.isArray(consumed) ? consumed : [consumed]);
    },
  };
}
