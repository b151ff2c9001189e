// The update expression of the dynamodb module's update(): names are #expName_N, values
// :expValue_N, numbered in the order attributes appear (AWS EvaluateCode shows
// "SET #expName_1 = :expValue_1, #expName_2 = :expValue_2" for plain values and
// "SET #expName_1 = #expName_1 - :expValue_1" for decrement(1); null values are SET to NULL).
// The other operations are rendered with the DynamoDB functions they name (unverified wording).
import { toDynamoDB, type AttributeValue } from './dynamodb-values.ts';
import { isMap } from './values.ts';

export const OP = '__appsyncUpdateOperation';
export interface UpdateOperation {
  [OP]: true;
  _type: 'add' | 'remove' | 'replace' | 'increment' | 'decrement' | 'append' | 'prepend' | 'updateListItem';
  value?: unknown;
  index?: number;
}

const op = (_type: UpdateOperation['_type'], value?: unknown, index?: number): UpdateOperation => {
  const o: UpdateOperation = { [OP]: true, _type };
  if (value !== undefined) o.value = value;
  if (index !== undefined) o.index = index;
  return o;
};

export const operations = {
  add: (value: unknown) => op('add', value),
  remove: () => op('remove'),
  replace: (value: unknown) => op('replace', value),
  increment: (by: number = 1) => op('increment', by),
  decrement: (by: number = 1) => op('decrement', by),
  append: (items: unknown) => op('append', items),
  prepend: (items: unknown) => op('prepend', items),
  updateListItem: (value: unknown, index: number) => op('updateListItem', value, index),
};

const isOperation = (v: unknown): v is UpdateOperation => isMap(v) && v[OP] === true;

class UpdateBuilder {
  readonly sets: string[] = [];
  readonly removes: string[] = [];
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private readonly nameOf = new Map<string, string>();

  name(attribute: string): string {
    let placeholder = this.nameOf.get(attribute);
    if (!placeholder) {
      placeholder = `#expName_${this.nameOf.size + 1}`;
      this.nameOf.set(attribute, placeholder);
      this.names[placeholder] = attribute;
    }
    return placeholder;
  }

  value(v: unknown): string {
    const placeholder = `:expValue_${Object.keys(this.values).length + 1}`;
    this.values[placeholder] = toDynamoDB(v);
    return placeholder;
  }

  entries(obj: Record<string, unknown>, parent: string | null): void {
    for (const [key, v] of Object.entries(obj)) {
      if (v === undefined) continue;
      const path = parent ? `${parent}.${this.name(key)}` : this.name(key);
      this.entry(path, v);
    }
  }

  private entry(path: string, v: unknown): void {
    if (isOperation(v)) return this.operation(path, v);
    if (Array.isArray(v) && v.length > 0 && v.every(isOperation)) {
      for (const item of v) this.operation(path, item);
      return;
    }
    if (isMap(v)) return this.entries(v, path); // a nested object updates its own fields
    this.sets.push(`${path} = ${this.value(v)}`);
  }

  private operation(path: string, o: UpdateOperation): void {
    switch (o._type) {
      case 'remove': this.removes.push(path); break;
      case 'increment': this.sets.push(`${path} = ${path} + ${this.value(o.value)}`); break;
      case 'decrement': this.sets.push(`${path} = ${path} - ${this.value(o.value)}`); break;
      case 'append': this.sets.push(`${path} = list_append(${path}, ${this.value(o.value)})`); break;
      case 'prepend': this.sets.push(`${path} = list_append(${this.value(o.value)}, ${path})`); break;
      case 'updateListItem': this.sets.push(`${path}[${Number(o.index)}] = ${this.value(o.value)}`); break;
      default: this.sets.push(`${path} = ${this.value(o.value)}`); // add, replace: the whole value
    }
  }
}

export function buildUpdate(update: unknown): { expression: string; expressionNames: Record<string, string>; expressionValues?: Record<string, AttributeValue> } {
  const b = new UpdateBuilder();
  if (isMap(update)) b.entries(update, null);
  const clauses: string[] = [];
  if (b.sets.length) clauses.push(`SET ${b.sets.join(', ')}`);
  if (b.removes.length) clauses.push(`REMOVE ${b.removes.join(', ')}`);
  const out: ReturnType<typeof buildUpdate> = { expression: clauses.join(' '), expressionNames: b.names };
  if (Object.keys(b.values).length) out.expressionValues = b.values;
  return out;
}
