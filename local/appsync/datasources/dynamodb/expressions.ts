// Expression objects `{expression, expressionNames, expressionValues}` (condition, update, query,
// filter) and projections `{expression, expressionNames}`. All expressions of one request share
// DynamoDB's ExpressionAttributeNames/Values, so they are collected into one set of maps.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { shapeError } from './errors.ts';
import { canonical, isRecord, toSdkValue } from './typed-values.ts';

type Path = readonly (string | number)[];

export interface ExpressionMaps {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

export class ExpressionCollector {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, AttributeValue> = {};

  /** Reads one expression object at `path`; returns its expression text. */
  expression(value: unknown, path: Path, options: { values: boolean } = { values: true }): string {
    if (!isRecord(value)) {
      throw shapeError(path, `must be an object like {"expression": "...", "expressionNames": {...}}; got ${JSON.stringify(value)}.`);
    }
    const expression = value.expression;
    if (typeof expression !== 'string' || expression.trim() === '') {
      throw shapeError([...path, 'expression'], expression === undefined ? 'not found.' : 'must be a non-empty string.');
    }
    this.addNames(value.expressionNames, [...path, 'expressionNames']);
    if (options.values) this.addValues(value.expressionValues, [...path, 'expressionValues']);
    else if (value.expressionValues !== undefined && value.expressionValues !== null) {
      throw shapeError([...path, 'expressionValues'], 'is not allowed here: a projection takes only expression and expressionNames.');
    }
    return expression;
  }

  /** Reads an optional expression object; undefined when the field is absent or null. */
  optional(value: unknown, path: Path, options?: { values: boolean }): string | undefined {
    return value === undefined || value === null ? undefined : this.expression(value, path, options);
  }

  /** A name placeholder that no request can use, for names the data source adds itself. */
  internalName(attribute: string): string {
    const placeholder = `#appsyncLocal${Object.keys(this.names).length}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  nameFor(placeholder: string): string | undefined {
    return this.names[placeholder];
  }

  maps(): ExpressionMaps {
    const out: ExpressionMaps = {};
    if (Object.keys(this.names).length) out.ExpressionAttributeNames = { ...this.names };
    if (Object.keys(this.values).length) out.ExpressionAttributeValues = { ...this.values };
    return out;
  }

  private addNames(names: unknown, path: Path): void {
    if (names === undefined || names === null) return;
    if (!isRecord(names)) throw shapeError(path, `must be a map like {"#name": "attribute"}; got ${JSON.stringify(names)}.`);
    for (const [placeholder, attribute] of Object.entries(names)) {
      if (typeof attribute !== 'string') {
        throw shapeError([...path, placeholder], `must be a string (the attribute name); got ${JSON.stringify(attribute)}.`);
      }
      const existing = this.names[placeholder];
      if (existing !== undefined && existing !== attribute) {
        throw shapeError(
          [...path, placeholder],
          `is "${attribute}" but another expression of this request maps ${placeholder} to "${existing}". Use distinct placeholders.`,
        );
      }
      this.names[placeholder] = attribute;
    }
  }

  private addValues(values: unknown, path: Path): void {
    if (values === undefined || values === null) return;
    if (!isRecord(values)) {
      throw shapeError(path, `must be a map like {":value": {"S": "text"}}; got ${JSON.stringify(values)}.`);
    }
    for (const [placeholder, raw] of Object.entries(values)) {
      const value = toSdkValue(raw, [...path, placeholder]);
      const existing = this.values[placeholder];
      if (existing !== undefined && canonical(existing) !== canonical(value)) {
        throw shapeError(
          [...path, placeholder],
          `differs from the value another expression of this request gives ${placeholder}. Use distinct placeholders.`,
        );
      }
      this.values[placeholder] = value;
    }
  }
}

/** Top-level attribute names a projection expression selects (placeholders resolved). */
export function projectedTopLevelNames(expression: string, resolve: (placeholder: string) => string | undefined): Set<string> {
  const names = new Set<string>();
  for (const part of expression.split(',')) {
    const head = part.trim().split(/[.[]/)[0]?.trim();
    if (!head) continue;
    names.add(head.startsWith('#') ? (resolve(head) ?? head) : head);
  }
  return names;
}
