// The `tables` map of batch requests: names as the request gives them, mapped to physical tables.
import { shapeError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { record, required, type RequestObject } from '../validate.ts';

export interface BatchTable {
  /** The name the request used; results are keyed by it. */
  name: string;
  physical: string;
  entry: unknown;
}

export function readTables(request: RequestObject, rt: Runtime): BatchTable[] {
  const tables = record(required(request, 'tables'), ['tables'], 'a map of table name to entries');
  const names = Object.keys(tables);
  if (names.length === 0) throw shapeError(['tables'], 'must name at least one table.');
  const seen = new Map<string, string>();
  return names.map((name) => {
    const physical = rt.physicalTable(name);
    const other = seen.get(physical);
    if (other !== undefined) {
      throw shapeError(['tables', name], `names the same table (${physical}) as "${other}"; list its entries under one name.`);
    }
    seen.set(physical, name);
    return { name, physical, entry: tables[name] };
  });
}

export function listAt(value: unknown, path: readonly (string | number)[], what: string): unknown[] {
  if (!Array.isArray(value)) throw shapeError(path, `must be a list of ${what}; got ${JSON.stringify(value)}.`);
  return value;
}
