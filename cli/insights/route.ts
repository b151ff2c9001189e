// GET /insights.json?experiment=ID[&query=NAME...] on the local host (registered by `npm start`,
// not by local/, which stays generic): brings the lake up to date with an incremental export,
// then runs the dashboard's named queries for one experiment with DuckDB, from the same .sql files
// as the CLI and the Athena named queries. The answer says where its numbers come from.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Route, RouteResponse } from '../../local/appsync/http.ts';
import { openLake } from '../../insights/duckdb.ts';
import { ExportBusyError, exportLake } from '../../insights/export.ts';
import { readManifest } from '../../insights/manifest.ts';
import { forExperiment, loadNamedQueries } from '../../insights/queries.ts';

/** The named queries the dashboard's Insights view draws. */
export const DASHBOARD_QUERIES = ['conversions_by_channel', 'cohort_curves', 'time_to_conversion'];

export interface InsightsRouteOptions {
  /** The table, once the stack is up. */
  table: () => { client: DynamoDBClient; tableName: string } | undefined;
  lakeDir: string;
  lagMs?: number;
}

const json = (status: number, body: unknown): RouteResponse => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
const problem = (status: number, errorType: string, message: string) => json(status, { errors: [{ errorType, message }] });

export function insightsRoute(options: InsightsRouteOptions): Record<string, Route> {
  return {
    '/insights.json': async (url) => {
      const experimentId = url.searchParams.get('experiment')?.trim();
      if (!experimentId || experimentId.length > 200) return problem(400, 'ValidationError', 'query parameter "experiment" must be an experiment id');
      const all = loadNamedQueries();
      const names = url.searchParams.getAll('query');
      const wanted = names.length ? names : DASHBOARD_QUERIES;
      const unknown = wanted.filter((n) => !all.some((q) => q.name === n));
      if (unknown.length) return problem(400, 'ValidationError', `unknown named query ${unknown.join(', ')}; known: ${all.map((q) => q.name).join(', ')}`);
      const table = options.table();
      if (!table) return problem(503, 'Unavailable', 'the local table is not ready yet; retry in a moment');
      let exported;
      try {
        exported = await exportLake({ ...table, lakeDir: options.lakeDir, lagMs: options.lagMs });
      } catch (error) {
        // `splitloop export` is writing the same lake: answer what is there after it, not a stale read.
        if (error instanceof ExportBusyError) return problem(503, 'ExportBusy', `${error.message}, then reload`);
        throw error;
      }
      const lake = await openLake(options.lakeDir);
      try {
        const queries = [];
        for (const name of wanted) {
          const q = all.find((x) => x.name === name)!;
          const result = await lake.query(forExperiment(q.sql), { experiment: experimentId });
          queries.push({ name, description: q.description, file: `insights/queries/${name}.sql`, ...result });
        }
        return json(200, {
          source: {
            engine: 'DuckDB',
            where: 'local',
            lake: options.lakeDir,
            exportedUpTo: readManifest(options.lakeDir).watermark || null,
            exportedNow: Object.values(exported.rows).reduce((n, r) => n + r, 0),
          },
          experimentId,
          queries,
        });
      } finally {
        lake.close();
      }
    },
  };
}
