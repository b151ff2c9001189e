// `splitloop export`, `splitloop sql`, `splitloop insights`: the event lake on this machine.
// export writes Parquet from the local table; sql and insights query it with DuckDB through the
// same named .sql files that become Athena named queries on AWS.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openLake } from '../insights/duckdb.ts';
import { ExportBusyError, exportLake, ExportInterruptedError } from '../insights/export.ts';
import { forExperiment, loadNamedQueries, namedQuery, UnknownQueryError } from '../insights/queries.ts';
import { parseFlags, UsageError, type FlagSpec } from '../local/cli/flags.ts';
import { dataDirFromEnv } from './app.ts';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from './insights/output.ts';
import { exportProgressReporter } from './insights/progress.ts';
import { openLocalTable } from './insights/stack.ts';
import type { ProgressStream } from './simulate/progress.ts';

export interface LakeIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  env: Record<string, string | undefined>;
}

const defaultIo = (): LakeIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/** The lake folder: `--out`/`--lake`, else `lake/` in the data folder (SPLITLOOP_DATA_DIR or .splitloop/). */
export const defaultLakeDir = (env: Record<string, string | undefined>) => join(dataDirFromEnv(env), 'lake');

export const EXPORT_USAGE = `usage: splitloop export [--out DIR]

Writes the event lake (Parquet, Hive-partitioned by date: <table>/dt=YYYY-MM-DD/part-N.parquet) from
the local table. Incremental: only items changed since the last export; an interrupted export
(Ctrl-C) is resumed by the next one and writes the same files. Reads the table of the running stack
(npm start; PORT, SPLITLOOP_DATA_DIR) or, when none runs, starts DynamoDB Local on the data folder.

  --out DIR   the lake folder (default: lake/ in the data folder, .splitloop/lake)
`;

export const SQL_USAGE = `usage: splitloop sql [--lake DIR] [--format table|csv|json] "SQL"

Runs SQL over the lake with DuckDB. Tables: assignments, events, rewards (README: "The event lake").
`;

export const INSIGHTS_USAGE = `usage: splitloop insights [--lake DIR] [--format table|csv|json] [--experiment ID] [NAME]

Runs a named query (insights/queries/NAME.sql, the same files as the Athena named queries) over the
lake with DuckDB; without NAME, lists them. --experiment keeps one experiment's rows.
`;

/** Flags plus positional arguments (parseFlags takes flags only). */
function split(argv: string[], spec: FlagSpec): { flags: Map<string, string>; help: boolean; positional: string[] } {
  const flagArgs: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg.startsWith('-')) {
      flagArgs.push(arg);
      if (spec.values.includes(arg.slice(2)) && !arg.includes('=') && i + 1 < argv.length) flagArgs.push(argv[(i += 1)]!);
    } else positional.push(arg);
  }
  return { ...parseFlags(flagArgs, spec), positional };
}

function outputFormat(value: string | undefined): OutputFormat {
  const format = (value ?? 'table') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')} (got "${value}")`);
  return format;
}

async function usageGuard(io: LakeIo, name: string, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnknownQueryError) {
      io.stderr.write(`splitloop ${name}: ${error.message}\n\n${usage}`);
      return 2;
    }
    throw error;
  }
}

export function exportCommand(argv: string[], io: LakeIo = defaultIo()): Promise<number> {
  return usageGuard(io, 'export', EXPORT_USAGE, async () => {
    const { flags, help, positional } = split(argv, { values: ['out'] });
    if (help) return (io.stdout.write(EXPORT_USAGE), 0);
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    const lakeDir = resolve(flags.get('out') ?? defaultLakeDir(io.env));
    const table = await openLocalTable(dataDirFromEnv(io.env));
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    const reporter = exportProgressReporter(io.stderr);
    try {
      io.stderr.write(`splitloop export: ${table.source} -> ${lakeDir} (Ctrl-C stops; the next run resumes)\n`);
      const s = await exportLake({ client: table.client, tableName: table.tableName, lakeDir, onProgress: reporter.update, signal: abort.signal });
      const rate = s.elapsedMs > 0 ? Math.round((s.scanned * 1000) / s.elapsedMs) : 0;
      const rows = Object.entries(s.rows).map(([t, n]) => `${n} ${t}`).join(', ');
      io.stdout.write(
        s.files.length
          ? `export ${s.seq}${s.resumed ? ' (resumed)' : ''}: ${rows} in ${s.files.length} files; items changed after ${s.from || 'the beginning'} up to ${s.to}; ${s.scanned} items read in ${(s.elapsedMs / 1000).toFixed(1)} s (${rate} items/s)\n`
          : `export: nothing changed since ${s.from || 'the beginning'} (up to ${s.to}); the lake is up to date\n`,
      );
      return 0;
    } catch (error) {
      if (error instanceof ExportInterruptedError || error instanceof ExportBusyError) {
        io.stderr.write(`\nsplitloop export: ${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      process.removeListener('SIGINT', onSignal);
      await table.close();
    }
  });
}

function lakeFor(flags: Map<string, string>, env: Record<string, string | undefined>): string {
  const lakeDir = resolve(flags.get('lake') ?? defaultLakeDir(env));
  if (!existsSync(lakeDir)) throw new UsageError(`no lake at ${lakeDir}: run "npx splitloop export" first (or pass --lake DIR)`);
  return lakeDir;
}

async function run(io: LakeIo, lakeDir: string, sql: string, format: OutputFormat, params?: Record<string, string>): Promise<number> {
  const lake = await openLake(lakeDir);
  try {
    io.stdout.write(formatResult(await lake.query(sql, params), format));
    return 0;
  } catch (error) {
    // DuckDB's message names the problem (unknown column, syntax error at ...).
    io.stderr.write(`splitloop: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    lake.close();
  }
}

export function sqlCommand(argv: string[], io: LakeIo = defaultIo()): Promise<number> {
  return usageGuard(io, 'sql', SQL_USAGE, async () => {
    const { flags, help, positional } = split(argv, { values: ['lake', 'format'] });
    if (help) return (io.stdout.write(SQL_USAGE), 0);
    if (positional.length !== 1 || !positional[0]!.trim()) throw new UsageError('give exactly one SQL statement, quoted');
    const format = outputFormat(flags.get('format'));
    return run(io, lakeFor(flags, io.env), positional[0]!, format);
  });
}

export function insightsCommand(argv: string[], io: LakeIo = defaultIo()): Promise<number> {
  return usageGuard(io, 'insights', INSIGHTS_USAGE, async () => {
    const { flags, help, positional } = split(argv, { values: ['lake', 'format', 'experiment'] });
    if (help) return (io.stdout.write(INSIGHTS_USAGE), 0);
    if (positional.length > 1) throw new UsageError('give at most one query name');
    const format = outputFormat(flags.get('format'));
    if (!positional.length) {
      const list = loadNamedQueries().map((q) => ({ name: q.name, description: q.description }));
      if (format !== 'table') io.stdout.write(formatResult({ columns: ['name', 'description'], rows: list }, format));
      else {
        const width = Math.max(...list.map((q) => q.name.length));
        io.stdout.write(`${list.map((q) => `${q.name.padEnd(width)}  ${q.description}`).join('\n')}\n\nRun one: npx splitloop insights NAME [--experiment ID]\n`);
      }
      return 0;
    }
    const query = namedQuery(positional[0]!);
    const experiment = flags.get('experiment');
    return run(io, lakeFor(flags, io.env), experiment ? forExperiment(query.sql) : query.sql, format, experiment ? { experiment } : undefined);
  });
}
