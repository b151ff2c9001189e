// Pieces shared by the single-item operations: the key, and the condition section with its
// AppSync-only fields (equalsIgnore, consistentRead, conditionalCheckFailedHandler).
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { shapeError } from '../errors.ts';
import type { ExpressionCollector } from '../expressions.ts';
import { isRecord, toSdkMap } from '../typed-values.ts';
import { required, type RequestObject } from '../validate.ts';

type Path = readonly (string | number)[];

export function readKey(request: RequestObject, path: Path = []): Record<string, AttributeValue> {
  const key = toSdkMap(required(request, 'key', path), [...path, 'key']);
  if (Object.keys(key).length === 0) {
    throw shapeError([...path, 'key'], 'must name the partition key (and sort key, if the table has one).');
  }
  return key;
}

export interface FailureHandler {
  strategy: 'Reject' | 'Custom';
  lambdaArn?: string;
}

export interface ConditionSection {
  expression: string;
  equalsIgnore: string[];
  consistentRead: boolean;
  handler: FailureHandler;
}

/** Reads `condition` of PutItem/UpdateItem/DeleteItem; undefined when there is none. */
export function readCondition(value: unknown, expressions: ExpressionCollector): ConditionSection | undefined {
  if (value === undefined || value === null) return undefined;
  const path = ['condition'];
  const expression = expressions.expression(value, path);
  const condition = value as RequestObject;

  const equalsIgnore = condition.equalsIgnore ?? [];
  if (!Array.isArray(equalsIgnore) || equalsIgnore.some((n) => typeof n !== 'string')) {
    throw shapeError([...path, 'equalsIgnore'], `must be a list of attribute names; got ${JSON.stringify(equalsIgnore)}.`);
  }
  const consistentRead = condition.consistentRead ?? true;
  if (typeof consistentRead !== 'boolean') {
    throw shapeError([...path, 'consistentRead'], `must be a boolean; got ${JSON.stringify(consistentRead)}.`);
  }

  let handler: FailureHandler = { strategy: 'Reject' };
  const rawHandler = condition.conditionalCheckFailedHandler;
  if (rawHandler !== undefined && rawHandler !== null) {
    const at = [...path, 'conditionalCheckFailedHandler'];
    if (!isRecord(rawHandler)) throw shapeError(at, `must be an object like {"strategy": "Reject"}; got ${JSON.stringify(rawHandler)}.`);
    const strategy = rawHandler.strategy;
    if (strategy !== 'Reject' && strategy !== 'Custom') {
      throw shapeError([...at, 'strategy'], `must be "Reject" or "Custom"; got ${JSON.stringify(strategy)}.`);
    }
    if (strategy === 'Custom') {
      if (typeof rawHandler.lambdaArn !== 'string' || rawHandler.lambdaArn === '') {
        throw shapeError([...at, 'lambdaArn'], 'is required when strategy is "Custom".');
      }
      handler = { strategy, lambdaArn: rawHandler.lambdaArn };
    } else handler = { strategy };
  }
  return { expression, equalsIgnore: equalsIgnore as string[], consistentRead, handler };
}
