// The DynamoDB data source of the local AppSync: takes the object an APPSYNC_JS request handler
// returns for a DynamoDB data source, makes the DynamoDB call, and hands back what AppSync gives
// the response handler (`ctx.result`, `ctx.error`). It never throws; every failure is an outcome.
import { MAPPING_TEMPLATE_ERROR, shapeError, toOutcome } from './dynamodb/errors.ts';
import { batchGetItem } from './dynamodb/requests/batch-get-item.ts';
import { batchDeleteItem, batchPutItem } from './dynamodb/requests/batch-write.ts';
import { deleteItem } from './dynamodb/requests/delete-item.ts';
import { getItem } from './dynamodb/requests/get-item.ts';
import { putItem } from './dynamodb/requests/put-item.ts';
import { query } from './dynamodb/requests/query.ts';
import { scan } from './dynamodb/requests/scan.ts';
import { transactGetItems, transactWriteItems } from './dynamodb/requests/transactions.ts';
import { updateItem } from './dynamodb/requests/update-item.ts';
import { createRuntime, type OperationHandler } from './dynamodb/runtime.ts';
import { isRecord } from './dynamodb/typed-values.ts';
import type { DataSourceCallContext, DataSourceOutcome, DynamoDbDataSource, DynamoDbDataSourceOptions } from './dynamodb/types.ts';

export type {
  ConflictHandlerEvent,
  ConflictHandlerInvoker,
  DataSourceCallContext,
  DataSourceError,
  DataSourceOutcome,
  DynamoDbDataSource,
  DynamoDbDataSourceOptions,
} from './dynamodb/types.ts';
export type { AppSyncCancellationReason } from './dynamodb/requests/transactions.ts';
export { MAPPING_TEMPLATE_ERROR } from './dynamodb/errors.ts';
export { LeanDynamoDbClient, type DynamoDbSender } from './dynamodb/lean-client.ts';
export { decodeNextToken, encodeNextToken } from './dynamodb/pagination.ts';
export { fromSdkMap, fromSdkValue, toSdkMap, toSdkValue } from './dynamodb/typed-values.ts';

const OPERATIONS: Record<string, OperationHandler> = {
  GetItem: getItem,
  PutItem: putItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  Query: query,
  Scan: scan,
  BatchGetItem: batchGetItem,
  BatchPutItem: batchPutItem,
  BatchDeleteItem: batchDeleteItem,
  TransactGetItems: transactGetItems,
  TransactWriteItems: transactWriteItems,
};

export const DYNAMODB_OPERATIONS = Object.keys(OPERATIONS);

function unsupported(operation: string): DataSourceOutcome | undefined {
  if (operation !== 'Sync') return undefined;
  return {
    ok: false,
    error: {
      type: MAPPING_TEMPLATE_ERROR,
      message:
        "Value for field '$[operation]' is Sync, which needs a versioned data source (conflict detection / Delta Sync); " +
        'the local runtime does not emulate those. Use Query or Scan.',
    },
  };
}

export function createDynamoDbDataSource(options: DynamoDbDataSourceOptions): DynamoDbDataSource {
  if (!options.tableName) throw new Error('createDynamoDbDataSource: tableName is required.');
  return async (request: unknown, ctx: DataSourceCallContext = {}): Promise<DataSourceOutcome> => {
    try {
      if (!isRecord(request)) {
        throw shapeError(
          [],
          `must be the request object returned by the request handler, e.g. {"operation": "GetItem", "key": {...}}; got ${JSON.stringify(request) ?? 'undefined'}.`,
        );
      }
      const operation = request.operation;
      if (operation === undefined || operation === null) throw shapeError(['operation'], 'not found.');
      if (typeof operation !== 'string') throw shapeError(['operation'], `must be a string; got ${JSON.stringify(operation)}.`);
      const handler = OPERATIONS[operation];
      if (!handler) {
        const known = unsupported(operation);
        if (known) return known;
        throw shapeError(['operation'], `must be one of ${DYNAMODB_OPERATIONS.join(', ')}; got "${operation}".`);
      }
      return await handler(request, createRuntime(options, ctx));
    } catch (error) {
      return toOutcome(error);
    }
  };
}
