// The table as plain JS objects, through @aws-sdk/lib-dynamodb's DocumentClient. Entity stores
// (stores.ts) are written on this; handlers never see it.
import { ConditionalCheckFailedException, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  NumberValue,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export type Key = { pk: string; sk: string };
export type Item = Record<string, unknown>;

export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export type TransactItem =
  | { put: Item; condition?: Condition }
  | { update: Key; expression: string; names?: Record<string, string>; values?: Record<string, unknown>; condition?: Condition };

export type TransactOutcome = { ok: true } | { ok: false; reasons: (string | undefined)[] };

export interface Table {
  get(key: Key, consistentRead?: boolean): Promise<Item | undefined>;
  /** Puts an item under a condition; false when the condition failed (nothing was written). */
  put(item: Item, condition?: Condition): Promise<boolean>;
  /** Every item of a partition (one page: partitions here hold one item per variant at most). */
  queryPartition(pk: string, consistentRead?: boolean): Promise<Item[]>;
  /**
   * All-or-nothing write. A cancelled transaction returns each item's cancellation reason code
   * ('ConditionalCheckFailed', 'None', ...) so callers can tell which condition failed.
   */
  transactWrite(items: TransactItem[]): Promise<TransactOutcome>;
}

/**
 * A number for a write. Totals' sums of squares pass 2^53, which the marshaller refuses as a plain
 * number ("Use NumberValue"); above it a double is an integer, written exactly by its BigInt digits.
 */
export function numberForWrite(value: number): number | NumberValue {
  return Number.isSafeInteger(value) || !Number.isInteger(value) ? value : NumberValue.from(BigInt(value).toString());
}

const documentClients = new WeakMap<DynamoDBClient, DynamoDBDocumentClient>();

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  let doc = documentClients.get(client);
  if (!doc) {
    doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
      // Numbers are read as JS numbers: totals above 2^53 lose precision (as any double does)
      // instead of turning into BigInts, or throwing for a fraction.
      unmarshallOptions: { wrapNumbers: (value: string) => Number(value) },
    });
    documentClients.set(client, doc);
  }
  return doc;
}

const nonEmpty = <T extends Record<string, unknown>>(value: T | undefined): T | undefined =>
  value && Object.keys(value).length ? value : undefined;

export function dynamoTable(client: DynamoDBClient, tableName: string): Table {
  const doc = documentClient(client);
  return {
    async get(key, consistentRead = true) {
      const out = await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: consistentRead }));
      return out.Item;
    },
    async put(item, condition) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: condition?.expression,
            ExpressionAttributeNames: nonEmpty(condition?.names),
            ExpressionAttributeValues: nonEmpty(condition?.values),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async queryPartition(pk, consistentRead = true) {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: consistentRead,
        }),
      );
      return out.Items ?? [];
    },
    async transactWrite(items) {
      const TransactItems: TransactWriteCommandInput['TransactItems'] = items.map((item) => {
        if ('put' in item) {
          return {
            Put: {
              TableName: tableName,
              Item: item.put,
              ConditionExpression: item.condition?.expression,
              ExpressionAttributeNames: nonEmpty(item.condition?.names),
              ExpressionAttributeValues: nonEmpty(item.condition?.values),
            },
          };
        }
        return {
          Update: {
            TableName: tableName,
            Key: item.update,
            UpdateExpression: item.expression,
            ConditionExpression: item.condition?.expression,
            ExpressionAttributeNames: nonEmpty({ ...item.names, ...item.condition?.names }),
            ExpressionAttributeValues: nonEmpty({ ...item.values, ...item.condition?.values }),
          },
        };
      });
      try {
        await doc.send(new TransactWriteCommand({ TransactItems }));
        return { ok: true };
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          return { ok: false, reasons: (error.CancellationReasons ?? []).map((r) => r.Code) };
        }
        throw error;
      }
    },
  };
}

/**
 * DynamoDB cancels a transaction that touches an item another transaction is writing at the same
 * time (reason TransactionConflict). Nothing was written then, so it is tried again after a short,
 * jittered pause; a failed condition is an answer, not a conflict, and is returned at once.
 */
export const CONFLICT_RETRIES = 5;
const pause = (attempt: number) => new Promise((done) => setTimeout(done, (10 + Math.random() * 40) * 2 ** attempt));

export async function transactWriteRetryingConflicts(table: Table, items: () => TransactItem[]): Promise<TransactOutcome> {
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await table.transactWrite(items());
    if (outcome.ok) return outcome;
    const conflict = outcome.reasons.includes('TransactionConflict') && !outcome.reasons.includes('ConditionalCheckFailed');
    if (!conflict || attempt >= CONFLICT_RETRIES) return outcome;
    await pause(attempt);
  }
}
