// util.transform.toDynamoDBFilterExpression / toDynamoDBConditionExpression. The rendering rules
// (parentheses, value names such as ":and_0_a_eq", "contains(#v,:v_contains)" without a space,
// "(null)" for an empty `in`, null for input AWS cannot render) follow responses recorded from
// AWS EvaluateCode (localstack/appsync-utils __tests__/__snapshots__/transform.test.js.snap).
import { toDynamoDB, type AttributeValue } from './dynamodb-values.ts';
import { isMap } from './values.ts';

export interface DynamoDBExpression {
  expression: string;
  expressionNames: Record<string, string>;
  expressionValues: Record<string, AttributeValue>;
}

/** Input AWS answers with `null` instead of an expression. */
class Unrenderable {}

const COMPARATORS: Record<string, string> = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' };
const FUNCTIONS: Record<string, string> = { contains: 'contains', notContains: 'NOT contains', beginsWith: 'begins_with' };
const ATTRIBUTE_TYPES: Record<string, string> = {
  _null: 'NULL', string: 'S', stringSet: 'SS', number: 'N', numberSet: 'NS',
  binary: 'B', binarySet: 'BS', boolean: 'BOOL', list: 'L', map: 'M',
};

class Renderer {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};

  object(filter: unknown, prefix: string[]): string {
    if (!isMap(filter)) throw new Unrenderable();
    const parts: string[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (key === 'and' || key === 'or') parts.push(this.group(key, value, prefix));
      else if (key === 'not') {
        if (!isMap(value)) throw new Unrenderable();
        parts.push(`(NOT ${this.object(value, [...prefix, 'not'])})`);
      } else parts.push(this.field(key, value, prefix));
    }
    // Top-level members are joined without being wrapped; an empty member leaves its joiner behind.
    return parts.join(' AND ');
  }

  private group(kind: 'and' | 'or', members: unknown, prefix: string[]): string {
    if (!Array.isArray(members)) throw new Unrenderable();
    const rendered = members.map((m, i) => this.object(m, [...prefix, kind, String(i)]));
    const joined = rendered.join(kind === 'and' ? ' AND ' : ' OR ');
    return rendered.length > 1 ? `(${joined})` : joined;
  }

  private field(name: string, ops: unknown, prefix: string[]): string {
    if (!isMap(ops)) throw new Unrenderable();
    this.names[`#${name}`] = name;
    return this.operators(`#${name}`, ops, [...prefix, name]);
  }

  private operators(path: string, ops: Record<string, unknown>, base: string[]): string {
    const conditions: string[] = [];
    for (const [op, operand] of Object.entries(ops)) conditions.push(this.operator(path, op, operand, base));
    return conditions.length > 1 ? `(${conditions.join(' AND ')})` : (conditions[0] ?? '');
  }

  private operator(path: string, op: string, operand: unknown, base: string[]): string {
    if (op in COMPARATORS) return `(${path} ${COMPARATORS[op]} ${this.value(base, op, operand)})`;
    if (op in FUNCTIONS) return `(${FUNCTIONS[op]}(${path},${this.value(base, op, operand)}))`;
    switch (op) {
      case 'between': {
        if (!Array.isArray(operand) || operand.length < 2) throw new Unrenderable();
        return `(${path} BETWEEN ${this.value(base, 'between_start', operand[0])} AND ${this.value(base, 'between_end', operand[1])})`;
      }
      case 'in': {
        if (!Array.isArray(operand)) throw new Unrenderable();
        if (operand.length === 0) return '(null)';
        return `(${path} IN (${operand.map((v, i) => this.value(base, `in_${i}`, v)).join(', ')}))`;
      }
      case 'attributeExists':
        if (typeof operand !== 'boolean') throw new Unrenderable();
        return `(${operand ? 'attribute_exists' : 'attribute_not_exists'}(${path}))`;
      case 'attributeType': {
        const code = typeof operand === 'string' && Object.hasOwn(ATTRIBUTE_TYPES, operand) ? ATTRIBUTE_TYPES[operand] : null;
        if (code === null) throw new Unrenderable();
        return `(attribute_type(${path},${this.value(base, 'attributeType', code)}))`;
      }
      case 'size': {
        if (!isMap(operand)) throw new Unrenderable();
        // A nested size names its value again but does not nest the size() call.
        const sizePath = path.startsWith('size(') ? path : `size(${path})`;
        return this.operators(sizePath, operand, [...base, 'size']);
      }
      default:
        throw new Unrenderable();
    }
  }

  private value(base: string[], op: string, operand: unknown): string {
    const name = `:${[...base, op].join('_')}`;
    this.values[name] = toDynamoDB(operand);
    return name;
  }
}

/** The expression object, or null when AWS would answer null. */
export function renderFilter(filter: unknown): DynamoDBExpression | null {
  const r = new Renderer();
  try {
    const expression = r.object(filter, []);
    return { expression, expressionNames: r.names, expressionValues: r.values };
  } catch (e) {
    if (e instanceof Unrenderable) return null;
    throw e;
  }
}

/** AWS returns a JSON string (or null) from both transform entry points. */
export function toDynamoDBFilterExpression(filter: unknown): string | null {
  const rendered = renderFilter(filter);
  return rendered === null ? null : JSON.stringify(rendered);
}
