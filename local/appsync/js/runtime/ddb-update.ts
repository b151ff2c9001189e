// The update expression of the dynamodb module's update(): names are #expName_N, values
// :expValue_N, numbered in the order attributes appear (AWS EvaluateCode shows
// "SET #expName_1 = :expValue_1, #expName_2 = :expValue_2" for plain values and
// "SET #expName_1 = #expName_1 - :expValue_1" for decrement(1); null values are SET to NULL).
// The other operations are rendered with the DynamoDB functions they name (unverified wording).
import { toDynamoDB, type AttributeValue } from './dynamodb-values.ts';
import { isMap } from './values.ts';

// The helpers return AWS's own plain objects (a resolver can log, stash or return them, so their
// shape is observable): {"type":"OPERATION_ADD","value":…}, {"type":"OPERATION_INCREMENT","by":…},
// {"type":"OPERATION_APPEND","items":[…]}, {"type":"OPERATION_UPDATE_LIST_ITEM","value":…,"index":…}.
export type UpdateOperation =
  | { type: 'OPERATION_ADD' | 'OPERATION_REPLACE'; value: unknown }
  | { type: 'OPERATION_REMOVE' }
  | { type: 'OPERATION_INCREMENT' | 'OPERATION_DECREMENT'; by?: number }
  | { type: 'OPERATION_APPEND' | 'OPERATION_PREPEND'; items: unknown }
  | { type: 'OPERATION_UPDATE_LIST_ITEM'; value: unknown; index: number };

export const operations = {
  add: (value: unknown): UpdateOperation => ({ type: 'OPERATION_ADD', value }),
  remove: (): UpdateOperation => ({ type: 'OPERATION_REMOVE' }),
  replace: (value: unknown): UpdateOperation => ({ type: 'OPERATION_REPLACE', value }),
  // `by` is kept as given (absent when not given); the expression steps by 1 then.
  increment: (by?: number): UpdateOperation => (by === undefined ? { type: 'OPERATION_INCREMENT' } : { type: 'OPERATION_INCREMENT', by }),
  decrement: (by?: number): UpdateOperation => (by === undefined ? { type: 'OPERATION_DECREMENT' } : { type: 'OPERATION_DECREMENT', by }),
  append: (items: unknown): UpdateOperation => ({ type: 'OPERATION_APPEND', items }),
  prepend: (items: unknown): UpdateOperation => ({ type: 'OPERATION_PREPEND', items }),
  updateListItem: (value: unknown, index: number): UpdateOperation => ({ type: 'OPERATION_UPDATE_LIST_ITEM', value, index }),
};

const isOperation = (v: unknown): v is UpdateOperation => isMap(v) && typeof v.type === 'string' && v.type.startsWith('OPERATION_');
const step = (by: unknown) => (by === undefined || by === null ? 1 : by);

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
    switch (o.type) {
      case 'OPERATION_REMOVE': this.removes.push(path); break;
      case 'OPERATION_INCREMENT': this.sets.push(`${path} = ${path} + ${this.value(step(o.by))}`); break;
      case 'OPERATION_DECREMENT': this.sets.push(`${path} = ${path} - ${this.value(step(o.by))}`); break;
      case 'OPERATION_APPEND': this.sets.push(`${path} = list_append(${path}, ${this.value(o.items)})`); break;
      case 'OPERATION_PREPEND': this.sets.push(`${path} = list_append(${this.value(o.items)}, ${path})`); break;
      case 'OPERATION_UPDATE_LIST_ITEM': this.sets.push(`${path}[${Number(o.index)}] = ${this.value(o.value)}`); break;
      default: this.sets.push(`${path} = ${this.value((o as { value?: unknown }).value)}`); // add, replace: the whole value
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
