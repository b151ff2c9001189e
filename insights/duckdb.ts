// DuckDB over a lake folder: one view per lake table (Hive-partitioned Parquet, `dt=` folders),
// so the named queries read `events`, `assignments`, `rewards` as they do in Athena. A table with
// no files yet is an empty view of the same columns, so every query runs on a fresh lake.
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LAKE_TABLES, PARTITION_COLUMN, type LakeType } from '../lambdas/lake/schema.ts';

export const DUCKDB_TYPES: Record<LakeType, string> = { string: 'VARCHAR', int: 'INTEGER', double: 'DOUBLE', timestamp: 'TIMESTAMP' };

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

function hasParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { withFileTypes: true }).some((p) => p.isDirectory() && readdirSync(join(dir, p.name)).some((f) => f.endsWith('.parquet')));
}

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

export interface Lake {
  query(sql: string, params?: Record<string, string | number>): Promise<QueryResult>;
  close(): void;
}

/** Opens an in-memory DuckDB with the lake's tables as views. */
export async function openLake(lakeDir: string): Promise<Lake> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  for (const table of LAKE_TABLES) {
    const dir = join(lakeDir, table.name);
    const columns = table.columns.map((c) => `CAST(${c.name} AS ${DUCKDB_TYPES[c.type]}) AS ${c.name}`).join(', ');
    const source = hasParquet(dir)
      ? // dt stays text, as in Glue; the columns are cast so that files from older exports still line up.
        `SELECT ${columns}, ${PARTITION_COLUMN} FROM read_parquet(${quote(join(dir, '*', '*.parquet'))}, hive_partitioning = true, hive_types = {'${PARTITION_COLUMN}': VARCHAR}, union_by_name = true)`
      : `SELECT ${table.columns.map((c) => `CAST(NULL AS ${DUCKDB_TYPES[c.type]}) AS ${c.name}`).join(', ')}, CAST(NULL AS VARCHAR) AS ${PARTITION_COLUMN} WHERE false`;
    await connection.run(`CREATE VIEW ${table.name} AS ${source}`);
  }
  return {
    query: (sql, params) => runQuery(connection, sql, params),
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** JSON-friendly values: BIGINT counts as numbers, dates as YYYY-MM-DD, timestamps as ISO text. */
function plain(value: unknown, isDate: boolean): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return isDate ? value.toISOString().slice(0, 10) : value.toISOString();
  return value;
}

async function runQuery(connection: DuckDBConnection, sql: string, params?: Record<string, string | number>): Promise<QueryResult> {
  const reader = await connection.runAndReadAll(sql, params);
  const columns = reader.columnNames();
  const dates = reader.columnTypes().map((t) => t.typeId === DuckDBTypeId.DATE);
  const rows = reader.getRowObjectsJS().map((row) => Object.fromEntries(columns.map((c, i) => [c, plain(row[c], dates[i]!)])));
  return { columns, rows };
}
