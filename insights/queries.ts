// The named queries: one `.sql` file each in insights/queries/, read by the local `insights`
// command, the dashboard's Insights endpoint and the CDK stack (Athena named queries), so the SQL
// exists once. The first line is a `-- ` comment describing the query.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const QUERIES_DIR = join(import.meta.dirname, 'queries');

export interface NamedQuery {
  /** File name without `.sql`, e.g. `cohort_curves`. */
  name: string;
  description: string;
  sql: string;
}

export function loadNamedQueries(dir = QUERIES_DIR): NamedQuery[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8').trim();
      const first = sql.split('\n', 1)[0]!;
      if (!first.startsWith('-- ')) throw new Error(`${file}: the first line must be a "-- " comment describing the query`);
      return { name: basename(file, '.sql'), description: first.slice(3).trim(), sql };
    });
}

export function namedQuery(name: string, dir = QUERIES_DIR): NamedQuery {
  const all = loadNamedQueries(dir);
  const found = all.find((q) => q.name === name);
  if (!found) throw new UnknownQueryError(name, all.map((q) => q.name));
  return found;
}

export class UnknownQueryError extends Error {
  constructor(name: string, known: string[]) {
    super(`no named query "${name}"; known: ${known.join(', ')}`);
    this.name = 'UnknownQueryError';
  }
}

/** One experiment's rows of a named query (every named query has an experiment_id column). */
export function forExperiment(sql: string): string {
  return `SELECT * FROM (\n${sql}\n) AS q WHERE q.experiment_id = $experiment`;
}
