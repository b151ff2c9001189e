// AppSync enhanced subscription filters (extensions.setSubscriptionFilter):
//   {filterGroup: [{filters: [{fieldName, operator, value}]}]}
// Filters inside a group are ANDed, groups are ORed. fieldName may name a nested field with dots
// ("author.id"). A filter is compiled once when the subscription starts and evaluated against each
// published payload (the mutation's response).
export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'le',
  'lt',
  'ge',
  'gt',
  'contains',
  'notContains',
  'beginsWith',
  'in',
  'notIn',
  'between',
  'containsAny',
] as const;

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface FilterCondition {
  fieldName: string;
  path: readonly string[];
  operator: FilterOperator;
  value: unknown;
}

export interface CompiledFilter {
  /** ORed groups of ANDed conditions. */
  groups: FilterCondition[][];
}

export class FilterValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterValidationError';
  }
}

const OPERATORS = new Set<string>(FILTER_OPERATORS);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function checkValue(where: string, operator: FilterOperator, value: unknown): void {
  switch (operator) {
    case 'in':
    case 'notIn':
    case 'containsAny':
      if (!Array.isArray(value)) throw new FilterValidationError(`${where}: operator ${operator} needs a list value`);
      return;
    case 'between':
      if (!Array.isArray(value) || value.length !== 2) {
        throw new FilterValidationError(`${where}: operator between needs a list of two values`);
      }
      return;
    default:
      if (!isScalar(value)) throw new FilterValidationError(`${where}: operator ${operator} needs a scalar value`);
  }
}

/**
 * Validates and compiles a filter JSON object. `null`/`undefined` (no filter set) compile to null; a
 * filter with no groups matches every payload.
 */
export function compileFilter(raw: unknown): CompiledFilter | null {
  if (raw === null || raw === undefined) return null;
  if (!isRecord(raw) || !Array.isArray(raw.filterGroup)) {
    throw new FilterValidationError('A subscription filter must be an object with a filterGroup list');
  }
  const groups = raw.filterGroup.map((group, g) => {
    if (!isRecord(group) || !Array.isArray(group.filters)) {
      throw new FilterValidationError(`filterGroup[${g}] must be an object with a filters list`);
    }
    return group.filters.map((filter, f): FilterCondition => {
      const where = `filterGroup[${g}].filters[${f}]`;
      if (!isRecord(filter)) throw new FilterValidationError(`${where} must be an object`);
      const { fieldName, operator, value } = filter;
      if (typeof fieldName !== 'string' || fieldName.length === 0) {
        throw new FilterValidationError(`${where}: fieldName must be a non-empty string`);
      }
      if (typeof operator !== 'string' || !OPERATORS.has(operator)) {
        throw new FilterValidationError(`${where}: unknown operator ${JSON.stringify(operator)} (expected one of ${FILTER_OPERATORS.join(', ')})`);
      }
      checkValue(where, operator as FilterOperator, value);
      return { fieldName, path: fieldName.split('.'), operator: operator as FilterOperator, value };
    });
  });
  return { groups };
}

function read(payload: unknown, path: readonly string[]): unknown {
  let current = payload;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Equality of JSON values (deep for lists and maps). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // A missing field equals null.
    return (a === undefined && b === null) || (a === null && b === undefined);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameValue(item, b[i]));
  }
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => Object.hasOwn(b as object, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function comparable(a: unknown, b: unknown): a is number | string {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}

function contains(field: unknown, value: unknown): boolean {
  if (typeof field === 'string') return typeof value === 'string' && field.includes(value);
  if (Array.isArray(field)) return field.some((item) => sameValue(item, value));
  return false;
}

function holds(condition: FilterCondition, payload: unknown): boolean {
  const field = read(payload, condition.path);
  const { value } = condition;
  switch (condition.operator) {
    case 'eq':
      return sameValue(field, value);
    case 'ne':
      return !sameValue(field, value);
    case 'lt':
      return comparable(field, value) && field < (value as typeof field);
    case 'le':
      return comparable(field, value) && field <= (value as typeof field);
    case 'gt':
      return comparable(field, value) && field > (value as typeof field);
    case 'ge':
      return comparable(field, value) && field >= (value as typeof field);
    case 'contains':
      return contains(field, value);
    case 'notContains':
      return !contains(field, value);
    case 'beginsWith':
      return typeof field === 'string' && typeof value === 'string' && field.startsWith(value);
    case 'in':
      return (value as unknown[]).some((v) => sameValue(field, v));
    case 'notIn':
      return !(value as unknown[]).some((v) => sameValue(field, v));
    case 'between': {
      const [low, high] = value as [unknown, unknown];
      return comparable(field, low) && comparable(field, high) && field >= (low as typeof field) && field <= (high as typeof field);
    }
    case 'containsAny':
      return Array.isArray(field) && field.some((item) => (value as unknown[]).some((v) => sameValue(item, v)));
  }
}

/** Whether `payload` passes the filter: some group whose every condition holds. */
export function matchesFilter(filter: CompiledFilter | null, payload: unknown): boolean {
  if (filter === null || filter.groups.length === 0) return true;
  for (const group of filter.groups) {
    let ok = true;
    for (const condition of group) {
      if (!holds(condition, payload)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}
