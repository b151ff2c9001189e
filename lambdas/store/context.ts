// What a field handler receives besides its event: the stores and its configuration (nothing
// global). The Lambda entry points build it from the environment they are given; unit tests pass
// in-memory stores instead.
import { getConfig, getDynamoDb, type LambdaConfig, type LambdaEnv } from '../shared/config.ts';
import { dynamoStores, type Stores } from './stores.ts';
import { dynamoTable } from './table.ts';

export interface HandlerContext {
  stores: Stores;
  /** The Lambda's settings (absent in unit tests that need none: publishing through the API then fails and is logged). */
  config?: LambdaConfig;
}

/** The context of a deployed (or locally hosted) Lambda: stores on the table its environment names. */
export function contextFromEnvironment(env: LambdaEnv): HandlerContext {
  const config = getConfig(env);
  return { stores: dynamoStores(dynamoTable(getDynamoDb(config), config.tableName)), config };
}
