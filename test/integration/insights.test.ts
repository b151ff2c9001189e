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
import { insightsRoute } from '../../cli/insights/route.ts';
import { insightsCommand, sqlCommand, type LakeIo } from '../../cli/lake.ts';
import { signToken } from '../../local/appsync/auth/index.ts';
import { startTestApp } from '../support/app.ts';

let env: Awaited<ReturnType<typeof startTestApp>>;
let report: SimulationReport;
let experimentId: string;
const dir = mkdtempSync(join(tmpdir(), 'sl-lake-'));
// Everything recorded so far is inside the window; pinned so that two exports can be compared.
let pinnedNow: number;
/** Conversions recorded after the simulation (by the incremental export's test). */
let lateConversions = 0;

beforeAll(async () => {
  // The dashboard's endpoint, registered from the app side as `npm start` does.
  env = await startTestApp({ routes: insightsRoute({ table: () => env && { client: env.app.client, tableName: env.app.tableNames.main! }, lakeDir: join(dir, 'served'), lagMs: 0 }) });
  experimentId = await seedDemo(dir, env.app.api.graphqlUrl, env.auth);
  report = await runSimulation({
    graphqlUrl: env.app.api.graphqlUrl,
    experimentId,
    users: 60,
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
}, 300_000);

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

  it('splitloop sql and insights print a table, CSV or JSON; bad usage exits 2 with the usage', async () => {
    const io = () => {
      const out = { stdout: '', stderr: '' };
      const value: LakeIo = { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) }, env: {} };
      return { out, io: value };
    };
    const a = io();
    expect(await sqlCommand(['--lake', lakeDir, '--format', 'csv', 'SELECT kind, COUNT(*) AS n FROM events GROUP BY kind ORDER BY kind'], a.io)).toBe(0);
    expect(a.out.stdout.split('\r\n')[0]).toBe('kind,n');
    expect(a.out.stdout).toContain('CONVERSION,');
    const b = io();
    expect(await insightsCommand(['--lake', lakeDir, '--format', 'json', '--experiment', experimentId, 'variant_funnel'], b.io)).toBe(0);
    const rows = JSON.parse(b.out.stdout) as { variant: string; users: number }[];
    expect(rows.reduce((n, r) => n + r.users, 0)).toBe(report.enrolled);
    const c = io();
    expect(await insightsCommand(['--lake', lakeDir, 'cohort_curves'], c.io)).toBe(0);
    expect(c.out.stdout).toMatch(/days_since_assignment[\s\S]*\(\d+ rows?\)/);
    const d = io();
    expect(await insightsCommand(['--lake', lakeDir, 'no_such_query'], d.io)).toBe(2);
    expect(d.out.stderr).toContain('no named query "no_such_query"');
    const e = io();
    expect(await sqlCommand(['--lake', lakeDir, 'SELECT nope FROM events'], e.io)).toBe(1);
    expect(e.out.stderr).toMatch(/nope/);
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
  // Runs after the comparisons with lakeDir above: it adds a file to it.
  it('an incremental export names the referrers of new events from codes and attributions made before its window', async () => {
    const signup = (await lake.query("SELECT referrer_id, referee_id FROM events WHERE kind = 'SIGNUP' AND outcome = 'COUNTED' ORDER BY event_id LIMIT 1")).rows[0]!;
    const referrerId = signup.referrer_id as string;
    const refereeId = signup.referee_id as string;
    const code = await env.gql<{ referralCode: { code: string } }>('query($e: ID!, $u: ID!) { referralCode(experimentId: $e, userId: $u) { code } }', { e: experimentId, u: referrerId });
    const watermark = Date.parse(readManifest(lakeDir).watermark);
    if (Date.now() <= watermark) await new Promise((r) => setTimeout(r, watermark - Date.now() + 20));
    const invite = await env.gql('mutation($input: RecordInviteInput!) { recordInvite(input: $input) { outcome } }', {
      input: { eventId: 'late-invite', code: code.data!.referralCode.code, channel: 'SMS' },
    });
    const conversion = await env.gql(
      'mutation($input: RecordConversionInput!) { recordConversion(input: $input) { outcome } }',
      { input: { eventId: 'late-conversion', experimentId, refereeId, value: 7, currency: 'USD' } },
      { iam: true },
    );
    expect([invite.errors, conversion.errors]).toEqual([undefined, undefined]);
    lateConversions += 1;
    const summary = await exportTo(lakeDir, { now: () => Date.now() + 1000 });
    expect(summary.rows.events).toBe(2);
    const fresh = await openLake(lakeDir);
    try {
      const rows = await fresh.query("SELECT event_id, kind, referrer_id FROM events WHERE event_id LIKE 'late-%' ORDER BY event_id");
      expect(rows.rows).toEqual([
        { event_id: 'late-conversion', kind: 'CONVERSION', referrer_id: referrerId },
        { event_id: 'late-invite', kind: 'INVITE', referrer_id: referrerId },
      ]);
    } finally {
      fresh.close();
    }
  });
});

describe('GET /insights.json (the dashboard Insights view)', () => {
  it('exports, then answers the named queries for one experiment and says where they come from', async () => {
    const response = await fetch(`${env.app.api.url}/insights.json?experiment=${encodeURIComponent(experimentId)}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { source: { engine: string; where: string }; queries: { name: string; file: string; rows: Record<string, unknown>[] }[] };
    expect(body.source).toMatchObject({ engine: 'DuckDB', where: 'local' });
    expect(body.queries.map((q) => q.name)).toEqual(['conversions_by_channel', 'cohort_curves', 'time_to_conversion']);
    const conversions = body.queries[0]!.rows.reduce((n, r) => n + (r.conversions as number), 0);
    expect(conversions).toBe(report.live!.variants.reduce((n, v) => n + v.conversions, 0) + lateConversions);
    expect(body.queries.every((q) => q.rows.every((r) => r.experiment_id === experimentId))).toBe(true);
  });

  it('rejects a request without an experiment or with an unknown query, with an errorType', async () => {
    const missing = await fetch(`${env.app.api.url}/insights.json`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: { errorType: string }[] }).errors[0]!.errorType).toBe('ValidationError');
    const unknown = await fetch(`${env.app.api.url}/insights.json?experiment=${experimentId}&query=nope`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('unknown named query nope');
  });
});
