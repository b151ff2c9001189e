// Thin DynamoDB helpers over plain JS objects (marshalled with util-dynamodb).
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { getConfig, getDynamoDb } from './config.ts';

export type Key = { pk: string; sk: string };

export async function getItem(key: Key, consistentRead = true): Promise<Record<string, unknown> | undefined> {
  const out = await getDynamoDb().send(
    new GetItemCommand({ TableName: getConfig().tableName, Key: marshall(key), ConsistentRead: consistentRead }),
  );
  return out.Item ? unmarshall(out.Item) : undefined;
}

export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** Puts an item under a condition; false when the condition failed (nothing was written). */
export async function putItem(item: Record<string, unknown>, condition?: Condition): Promise<boolean> {
  const input: PutItemCommandInput = {
    TableName: getConfig().tableName,
    Item: marshall(item, { removeUndefinedValues: true }),
  };
  if (condition) {
    input.ConditionExpression = condition.expression;
    if (condition.names) input.ExpressionAttributeNames = condition.names;
    if (condition.values) input.ExpressionAttributeValues = marshall(condition.values);
  }
  try {
    await getDynamoDb().send(new PutItemCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export type TransactItem =
  | { put: Record<string, unknown>; condition?: Condition }
  | { update: Key; expression: string; names?: Record<string, string>; values?: Record<string, unknown>; condition?: Condition };

export type TransactOutcome = { ok: true } | { ok: false; reasons: (string | undefined)[] };

/**
 * All-or-nothing write. A cancelled transaction returns each item's cancellation reason code
 * ('ConditionalCheckFailed', 'None', ...) so callers can tell which condition failed.
 */
export async function transactWrite(items: TransactItem[]): Promise<TransactOutcome> {
  const TableName = getConfig().tableName;
  const values = (v?: Record<string, unknown>) => (v && Object.keys(v).length ? marshall(v, { removeUndefinedValues: true }) : undefined);
  try {
    await getDynamoDb().send(
      new TransactWriteItemsCommand({
        TransactItems: items.map((item) => {
          if ('put' in item) {
            return {
              Put: {
                TableName,
                Item: marshall(item.put, { removeUndefinedValues: true }),
                ConditionExpression: item.condition?.expression,
                ExpressionAttributeNames: nonEmpty(item.condition?.names),
                ExpressionAttributeValues: values(item.condition?.values),
              },
            };
          }
          return {
            Update: {
              TableName,
              Key: marshall(item.update),
              UpdateExpression: item.expression,
              ConditionExpression: item.condition?.expression,
              ExpressionAttributeNames: nonEmpty({ ...item.names, ...item.condition?.names }),
              ExpressionAttributeValues: values({ ...item.values, ...item.condition?.values }),
            },
          };
        }),
      }),
    );
    return { ok: true };
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      return { ok: false, reasons: (error.CancellationReasons ?? []).map((r) => r.Code) };
    }
    throw error;
  }
}

function nonEmpty<T extends Record<string, unknown>>(value: T | undefined): T | undefined {
  return value && Object.keys(value).length ? value : undefined;
}

/**
 * DynamoDB cancels a transaction that touches an item another transaction is writing at the same
 * time (reason TransactionConflict). Nothing was written then, so it is tried again after a short,
 * jittered pause; a failed condition is an answer, not a conflict, and is returned at once.
 */
export const CONFLICT_RETRIES = 5;
const pause = (attempt: number) => new Promise((done) => setTimeout(done, (10 + Math.random() * 40) * 2 ** attempt));

export async function transactWriteRetryingConflicts(items: () => TransactItem[]): Promise<TransactOutcome> {
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await transactWrite(items());
    if (outcome.ok) return outcome;
    const conflict = outcome.reasons.includes('TransactionConflict') && !outcome.reasons.includes('ConditionalCheckFailed');
    if (!conflict || attempt >= CONFLICT_RETRIES) return outcome;
    await pause(attempt);
  }
}
