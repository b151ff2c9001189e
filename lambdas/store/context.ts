// What a field handler receives besides its event: the stores (and nothing global). The Lambda
// entry points build it from the environment; unit tests pass in-memory stores instead.
import { getConfig, getDynamoDb } from '../shared/config.ts';
import { dynamoStores, type Stores } from './stores.ts';
import { dynamoTable } from './table.ts';

export interface HandlerContext {
  stores: Stores;
}

/** The context of a deployed (or locally hosted) Lambda: stores on the table named by TABLE_NAME. */
export function contextFromEnvironment(): HandlerContext {
  return { stores: dynamoStores(dynamoTable(getDynamoDb(), getConfig().tableName)) };
}
