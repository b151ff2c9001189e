// The event lake end to end: a simulated experiment through the real API, exported from DynamoDB
// Local to Parquet, queried with every named query through DuckDB; the lake's per-variant counts
// equal liveCounts and results exactly, and an interrupted export resumed writes the same files.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../cli/seed.ts';
import { runSimulation, type SimulationReport } from '../../cli/simulate/run.ts';
import { openLake, type Lake } from '../../insights/duckdb.ts';
import { exportLake, ExportInterruptedError } from '../../insights/export.ts';
import { readManifest } from '../../insights/manifest.ts';
import { forExperiment, loadNamedQueries } from '../../insights/queries.ts';
import { signToken } from '../../local/appsync/auth/index.ts';
import { startTestApp } from '../support/app.ts';

let env: Awaited<ReturnType<typeof startTestApp>>;
let report: SimulationReport;
let experimentId: string;
const dir = mkdtempSync(join(tmpdir(), 'sl-lake-'));
// Everything recorded so far is inside the window; pinned so that two exports can be compared.
let pinnedNow: number;

beforeAll(async () => {
  env = await startTestApp();
  experimentId = await seedDemo(dir, env.app.api.graphqlUrl, env.auth);
  report = await runSimulation({
    graphqlUrl: env.app.api.graphqlUrl,
    experimentId,
    users: 160,
    lift: 0.5,
    durationSeconds: 1,
    seed: 17,
    concurrency: 8,
    apiKey: env.auth.apiKeys[0]!,
    iam: env.auth.iam,
    token: () => signToken({ user: 'insights-test', groups: ['experimenters'] }, env.auth),
    settleSeconds: 30,
  });
  expect(report.errors).toBe(0);
  expect(report.settled).toBe(true);
  pinnedNow = Date.now() + 1000;
}, 120_000);

afterAll(async () => {
  await env?.app.stop();
});

const exportTo = (lakeDir: string, extra: Partial<Parameters<typeof exportLake>[0]> = {}) =>
  exportLake({ client: env.app.client, tableName: env.app.tableNames.main!, lakeDir, lagMs: 0, now: () => pinnedNow, ...extra });

function fileHashes(lakeDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.parquet')) out[relative(lakeDir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(lakeDir);
  return out;
}

describe('the event lake', () => {
  let lake: Lake;
  const lakeDir = join(dir, 'lake');

  beforeAll(async () => {
    const summary = await exportTo(lakeDir);
    expect(summary.rows.events).toBeGreaterThan(0);
    expect(summary.rows.assignments).toBe(report.enrolled);
    lake = await openLake(lakeDir);
  }, 60_000);
  afterAll(() => lake?.close());

  it('every named query runs on the export and names the experiment', async () => {
    const queries = loadNamedQueries();
    expect(queries.map((q) => q.name)).toEqual(
      expect.arrayContaining(['conversions_by_channel', 'time_to_conversion', 'cohort_curves', 'referrer_leaderboard', 'fraud_rejections', 'reward_cost_per_variant']),
    );
    for (const q of queries) {
      const result = await lake.query(forExperiment(q.sql), { experiment: experimentId });
      expect(result.columns, q.name).toContain('experiment_id');
      if (!['fraud_rejections', 'reward_cost_per_variant'].includes(q.name)) expect(result.rows.length, q.name).toBeGreaterThan(0);
    }
  });

  it('per-variant counts equal liveCounts and results exactly', async () => {
    const sql = loadNamedQueries().find((q) => q.name === 'variant_funnel')!.sql;
    const funnel = (await lake.query(forExperiment(sql), { experiment: experimentId })).rows;
    const live = report.live!.variants;
    expect(funnel.map((r) => r.variant).sort()).toEqual(live.map((v) => v.key).sort());
    for (const v of live) {
      const row = funnel.find((r) => r.variant === v.key)!;
      expect({ users: row.users, invites: row.invites, clicks: row.clicks, signups: row.signups, conversions: row.conversions }).toEqual({
        users: v.exposures,
        invites: v.invites,
        clicks: v.clicks,
        signups: v.signups,
        conversions: v.conversions,
      });
      expect(row.revenue as number).toBeCloseTo(v.revenue, 6);
      const result = report.results!.variants.find((r) => r.key === v.key)!;
      expect(row.users).toBe(result.users);
      expect(row.converting_referrers).toBe(result.conversions);
    }
    expect(live.some((v) => v.conversions > 0)).toBe(true);

    // The charts' queries add up to the same totals.
    const q = (name: string) => lake.query(forExperiment(loadNamedQueries().find((x) => x.name === name)!.sql), { experiment: experimentId });
    const byChannel = (await q('conversions_by_channel')).rows;
    const curves = (await q('cohort_curves')).rows;
    const times = (await q('time_to_conversion')).rows;
    for (const v of live) {
      const sum = byChannel.filter((r) => r.variant === v.key).reduce((n, r) => n + (r.conversions as number), 0);
      expect(sum, `conversions by channel, ${v.key}`).toBe(v.conversions);
      const last = curves.filter((r) => r.variant === v.key).at(-1);
      const result = report.results!.variants.find((r) => r.key === v.key)!;
      expect(last?.converting_users ?? 0).toBe(result.conversions);
      if (last) expect(last.cohort_users).toBe(result.users);
      const t = times.find((r) => r.variant === v.key);
      expect(t?.conversions ?? 0).toBe(v.conversions);
    }
    const leaders = (await q('referrer_leaderboard')).rows;
    expect(leaders[0]!.place).toBe(1);
    expect(leaders[0]!.conversions as number).toBeGreaterThanOrEqual(leaders.at(-1)!.conversions as number);
  });

  it('a second export with nothing new adds no file and no row', async () => {
    const before = fileHashes(lakeDir);
    const again = await exportTo(lakeDir, { now: () => pinnedNow + 5000 });
    expect(again.files).toEqual([]);
    expect(fileHashes(lakeDir)).toEqual(before);
    const dupes = await lake.query('SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS d FROM events');
    expect(dupes.rows[0]!.n).toBe(dupes.rows[0]!.d);
  });

  it('an interrupted export, resumed, writes the same files and no row twice', async () => {
    const interruptedDir = join(dir, 'interrupted');
    const abort = new AbortController();
    await expect(
      exportTo(interruptedDir, {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.phase === 'write' && p.files === 1) abort.abort();
        },
      }),
    ).rejects.toBeInstanceOf(ExportInterruptedError);
    expect(readManifest(interruptedDir).pending).toBeDefined();
    expect(Object.keys(fileHashes(interruptedDir)).length).toBe(1);

    // Resumed later: the pinned window, not the new time, decides what is written.
    const resumed = await exportTo(interruptedDir, { now: () => pinnedNow + 60_000 });
    expect(resumed.resumed).toBe(true);
    expect(readManifest(interruptedDir).pending).toBeUndefined();
    expect(fileHashes(interruptedDir)).toEqual(fileHashes(lakeDir));
    expect(existsSync(join(interruptedDir, '_tmp'))).toBe(false);

    const check = await openLake(interruptedDir);
    try {
      const rows = await check.query('SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS d FROM events');
      expect(rows.rows[0]!.n).toBe(rows.rows[0]!.d);
      const assignments = await check.query('SELECT COUNT(*) AS n, COUNT(DISTINCT user_id) AS d FROM assignments');
      expect(assignments.rows[0]).toEqual({ n: report.enrolled, d: report.enrolled });
    } finally {
      check.close();
    }
  });
});
