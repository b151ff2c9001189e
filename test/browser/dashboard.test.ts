// The dashboard in real headless Chromium against the real local stack (DynamoDB Local, the local
// AppSync with its realtime server, the stream aggregator): no console errors, an experiment created
// and started through the form (with the API's validation errors shown beside the fields), live
// counters rising from the onCountsChanged subscription while a simulation runs (and from liveCounts
// polling when the realtime connection is made to fail), results matching the API's, the SRM warning,
// pause/stop, axe-core on the main pages, and the README screenshot.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type App } from '../../cli/app.ts';
import { insightsRoute } from '../../cli/insights/route.ts';
import { seedDemo } from '../../cli/seed.ts';
import { runSimulation, type SimulationReport } from '../../cli/simulate/run.ts';
import { buildDashboard } from '../../dashboard/build.ts';
import { localDashboardRoutes } from '../../dashboard/local.ts';
import {
  formatChance,
  formatInt,
  formatInterval,
  formatMoney,
  formatP,
  formatPercent,
  formatPoints,
  formatSignedPercent,
  formatYesNo,
  formatDecision,
  MISSING,
} from '../../dashboard/src/format.ts';
import {
  GetExperimentDocument,
  GetLiveCountsDocument,
  GetResultsDocument,
  type GetResultsQuery,
  type LiveCountsFieldsFragment,
} from '../../generated/graphql.ts';
import { authSettingsFromEnv, signToken, type AuthSettings } from '../../local/appsync/auth/index.ts';
import { createGraphqlClient } from '../../cli/simulate/client.ts';
import { startAppOnSharedDynamoDb } from '../support/app.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
const ARTIFACTS = join(ROOT, 'test-artifacts');
const axeSource = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

let auth: AuthSettings;
let app: App;
let browser: Browser;
let base: string;
/** The demo experiment npm start seeds: '$5 vs $10' with typed offers. */
let demoId: string;
let gql: ReturnType<typeof createGraphqlClient>;
const asExperimenter = () => ({ token: () => signToken({ user: 'browser-test', groups: ['experimenters'] }, auth) });
const timings: Record<string, number> = {};

beforeAll(async () => {
  let t = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'sl-browser-'));
  auth = authSettingsFromEnv({}, { dataDir: dir });
  const dist = await buildDashboard({ outDir: join(dir, 'dist') });
  timings.build = Date.now() - t;
  t = Date.now();
  // The Insights endpoint as npm start registers it (DuckDB over a lake exported on each request).
  const insights = insightsRoute({ table: () => app && { client: app.client, tableName: app.tableNames.main! }, lakeDir: join(dir, 'lake'), lagMs: 0 });
  app = await startAppOnSharedDynamoDb({ auth, staticDir: dist, routes: { ...localDashboardRoutes(auth, { pollIntervalMs: 1000, insightsUrl: '/insights.json' }), ...insights } });
  demoId = await seedDemo(dir, app.api.graphqlUrl, auth);
  timings.app = Date.now() - t;
  t = Date.now();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  timings.browser = Date.now() - t;
  base = app.api.url;
  gql = createGraphqlClient(app.api.graphqlUrl);
  mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (Object.keys(timings).length) writeFileSync(join(ARTIFACTS, 'browser-timings.json'), JSON.stringify(timings, null, 2));
});

interface Watched {
  page: Page;
  /** Console errors and uncaught exceptions so far. */
  errors: string[];
  /** liveCounts queries the page sent. */
  liveCountsRequests: number;
}

async function openPage(path = '/'): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
  const watched: Watched = { page, errors: [], liveCountsRequests: 0 };
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') watched.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => watched.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/graphql') && (r.postData() ?? '').includes('GetLiveCounts')) watched.liveCountsRequests += 1;
  });
  await page.goto(`${base}${path}`);
  return watched;
}

async function axeViolations(page: Page): Promise<{ id: string; impact: string | null; help: string; nodes: string[] }[]> {
  // Evaluated through the DevTools protocol rather than a <script> tag, which the page's CSP would block.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations;
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  const violations = await axeViolations(page);
  writeFileSync(join(ARTIFACTS, `axe-${name}.json`), JSON.stringify(violations, null, 2));
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
}

const cellText = (page: Page, selector: string) => page.locator(selector).innerText();
const num = (text: string) => Number(text.replace(/[$,]/g, ''));

async function liveCountsOverApi(experimentId: string): Promise<LiveCountsFieldsFragment> {
  const live = (await gql.request(GetLiveCountsDocument, { experimentId }, { apiKey: auth.apiKeys[0]! })).liveCounts;
  if (!live) throw new Error('no live counts');
  return live;
}

function simulate(experimentId: string, users: number, durationSeconds: number, seed: number): Promise<SimulationReport> {
  return runSimulation({
    graphqlUrl: app.api.graphqlUrl,
    experimentId,
    users,
    lift: 0.5,
    durationSeconds,
    seed,
    concurrency: 12,
    apiKey: auth.apiKeys[0]!,
    iam: auth.iam,
    token: asExperimenter().token,
    settleSeconds: 30,
  });
}

/** The funnel table of the page equals the given counts (all variants and the total row). */
async function pageShowsCounts(page: Page, live: LiveCountsFieldsFragment): Promise<boolean> {
  const metrics = ['exposures', 'invites', 'clicks', 'signups', 'conversions', 'revenue'] as const;
  for (const v of live.variants) {
    for (const m of metrics) {
      const text = await cellText(page, `td[data-variant="${v.key}"][data-metric="${m}"]`);
      if (text !== (m === 'revenue' ? formatMoney(v[m]) : formatInt(v[m]))) return false;
    }
  }
  return true;
}

type Results = NonNullable<GetResultsQuery['results']>;

/** What each results cell must say, from the results the API returned (formatted independently of the page's code). */
function expectedResultCells(r: Results): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const v of r.variants) {
    const c = v.vsControl;
    const cells: Record<string, string> = {
      users: formatInt(v.users),
      conversions: formatInt(v.conversions),
      rate: formatPercent(v.rate),
      rateCi: formatInterval(v.rateCi, (x) => formatPercent(x)),
      absoluteLift: c ? formatPoints(c.absoluteLift) : MISSING,
      relativeLift: c ? formatSignedPercent(c.relativeLift, 1) : MISSING,
      pValue: c ? formatP(c.pValue) : MISSING,
      pValueAdjusted: c ? formatP(c.pValueAdjusted) : MISSING,
      chanceToBeatControl: c ? formatChance(c.chanceToBeatControl) : MISSING,
      sequentialPValue: c ? formatP(c.sequentialPValue) : MISSING,
      decision: c ? formatDecision(c.decision) : MISSING,
      significant: c ? formatYesNo(c.significant) : MISSING,
    };
    if (c) {
      cells.absoluteLiftCi = formatInterval(c.absoluteLiftCi, (x) => formatPoints(x));
      cells.relativeLiftCi = formatInterval(c.relativeLiftCi, (x) => formatSignedPercent(x, 1));
    }
    out[v.key] = cells;
  }
  return out;
}

async function pageResultCells(page: Page): Promise<Record<string, Record<string, string>>> {
  return page.evaluate(() => {
    const out: Record<string, Record<string, string>> = {};
    for (const row of Array.from(document.querySelectorAll<HTMLTableRowElement>('table.results tbody tr'))) {
      const cells: Record<string, string> = {};
      for (const el of Array.from(row.querySelectorAll<HTMLElement>('[data-metric]'))) cells[el.dataset.metric!] = el.innerText.trim();
      out[row.dataset.variant!] = cells;
    }
    return out;
  });
}

describe('the dashboard in headless Chromium', () => {
  let experimentId = '';
  let main: Watched;

  it('loads the experiments page with no console errors, and it passes axe', async () => {
    const t = Date.now();
    main = await openPage('/');
    const { page } = main;
    await expect.poll(() => page.locator('table.experiments tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.locator('h1').innerText()).toBe('Experiments');
    expect(await page.locator('.tabs a[aria-current="page"]').innerText()).toBe('Running');
    expect(await page.locator('table.experiments tbody').innerText()).toContain('Referral reward: $5 vs $10');
    for (const status of ['Draft', 'Paused', 'Stopped', 'Running']) {
      await page.getByRole('link', { name: status, exact: true }).click();
      await expect.poll(() => page.locator('.list-region').getAttribute('aria-busy')).toBe('false');
    }
    expect(main.errors).toEqual([]);
    await expectAccessible(page, 'experiments');
    timings.listPage = Date.now() - t;
  });

  it('runs under its Content-Security-Policy, so that a violation would show up as a console error', async () => {
    const probe = await openPage('/');
    await probe.page.locator('h1').waitFor();
    const blocked = await probe.page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(`blocked by ${e.violatedDirective}`), { once: true });
          const script = document.createElement('script');
          script.textContent = 'window.__inline = 1';
          document.head.append(script);
          setTimeout(() => resolve('inline script ran'), 1000);
        }),
    );
    expect(blocked).toBe('blocked by script-src-elem');
    expect(probe.errors.join('\n')).toMatch(/Content Security Policy/);
    await probe.page.close();
  });

  it('creates an experiment through the form, showing the API\'s validation errors beside the fields', async () => {
    const t = Date.now();
    const { page } = main;
    await page.getByRole('link', { name: 'New experiment' }).first().click();
    await page.locator('#f-name').fill('Invite copy: friendly vs urgent');
    await page.getByLabel('Description').fill('Browser test: does urgent copy bring more converting referrals?');
    await page.locator('#f-variants-0-key').fill('friendly');
    await page.locator('#f-variants-0-name').fill('Friendly copy');
    await page.locator('#f-variants-0-config').fill('{"copy": "Your friends will love it"}');
    // A third variant can be added and removed again.
    await page.getByRole('button', { name: 'Add variant' }).click();
    expect(await page.locator('fieldset.variant').count()).toBe(3);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-variants-2-key');
    await page.getByRole('button', { name: 'Remove variant 3' }).click();
    expect(await page.locator('fieldset.variant').count()).toBe(2);
    await page.locator('#f-variants-1-key').fill('urgent');
    await page.locator('#f-variants-1-name').fill('Urgent copy');
    await page.locator('#f-variants-1-weight').fill('1.5'); // the API rejects weights outside 0..1
    await page.locator('#f-variants-1-config').fill('{"copy": "Only today: $10 for both of you"}');
    await page.getByLabel('Control variant').selectOption('friendly');
    await page.getByLabel('Attribution window (days)').fill('14');
    await page.getByLabel('Minimum detectable effect').fill('0.2');
    await page.getByRole('button', { name: 'Create experiment' }).click();

    const weightError = page.locator('[data-error-for="variants[1].weight"]');
    await expect.poll(() => weightError.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await weightError.innerText()).toMatch(/variants\[1\]\.weight must be a number from 0 to 1 \(got 1\.5\)/);
    expect(await page.locator('#f-variants-1-weight').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-variants-1-weight').getAttribute('aria-describedby')).toContain('f-variants-1-weight-error');
    expect(await page.locator('.error-summary').innerText()).toContain('variants[1].weight');
    await expectAccessible(page, 'form-with-errors');

    // Weights that do not add up to 1: the API names the whole list, shown beside the Variants group.
    await page.locator('#f-variants-1-weight').fill('0.6');
    await page.getByRole('button', { name: 'Create experiment' }).click();
    const listError = page.locator('[data-error-for="variants"]');
    await expect.poll(() => listError.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await listError.innerText()).toMatch(/add up to 1\.1/);
    expect(await weightError.isVisible()).toBe(false);

    await page.locator('#f-variants-1-weight').fill('0.5');
    await page.getByRole('button', { name: 'Create experiment' }).click();
    await page.waitForURL(/#\/experiments\/[^/]+$/, { timeout: 10_000 });
    experimentId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
    await expect.poll(() => page.locator('.status').innerText()).toBe('Draft');
    expect(await page.locator('h1').innerText()).toBe('Invite copy: friendly vs urgent');

    const stored = (await gql.request(GetExperimentDocument, { id: experimentId }, asExperimenter())).experiment!;
    expect(stored).toMatchObject({
      status: 'DRAFT',
      control: 'friendly',
      coverage: 1,
      attributionWindowDays: 14,
      minimumDetectableEffect: 0.2,
      description: 'Browser test: does urgent copy bring more converting referrals?',
    });
    expect(stored.variants.map((v) => [v.key, v.name, v.weight, JSON.parse(v.config ?? 'null')])).toEqual([
      ['friendly', 'Friendly copy', 0.5, { copy: 'Your friends will love it' }],
      ['urgent', 'Urgent copy', 0.5, { copy: 'Only today: $10 for both of you' }],
    ]);
    timings.createForm = Date.now() - t;
  });

  it('starts the experiment with the Start button', async () => {
    const { page } = main;
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => page.locator('.status').innerText(), { timeout: 10_000 }).toBe('Running');
    expect(await page.getByRole('button', { name: 'Pause' }).isVisible()).toBe(true);
    const stored = (await gql.request(GetExperimentDocument, { id: experimentId }, asExperimenter())).experiment!;
    expect(stored.status).toBe('RUNNING');
    expect(stored.startedAt).not.toBeNull();
  });

  it('shows the counters rising live from the onCountsChanged subscription while a simulation runs, without a reload', async () => {
    const t = Date.now();
    const { page } = main;
    await expect.poll(() => page.locator('.live-status').getAttribute('data-mode'), { timeout: 20_000 }).toBe('subscription');
    expect(await page.locator('.live-status').innerText()).toMatch(/pushed by the onCountsChanged subscription/);
    expect(await cellText(page, 'td[data-variant="all"][data-metric="exposures"]')).toBe('0');
    await page.evaluate(() => ((window as unknown as { __samePage: string }).__samePage = 'still here'));
    await page.waitForTimeout(300); // let the catch-up read after start_ack finish
    main.liveCountsRequests = 0;

    let finished = false;
    const run = simulate(experimentId, 120, 5, 2024).finally(() => (finished = true));
    // Rising while the simulation is still sending: the page is fed by pushes, not by a reload.
    const seen: number[] = [];
    await expect
      .poll(
        async () => {
          const n = num(await cellText(page, 'td[data-variant="all"][data-metric="exposures"]'));
          if (!finished) seen.push(n);
          return new Set(seen.filter((x) => x > 0)).size;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBeGreaterThan(1); // two different non-zero values: it went up at least twice
    expect(finished).toBe(false);
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // and never went down
    expect(await page.locator('table.funnel').getAttribute('data-last-source')).toBe('subscription');

    const report = await run;
    expect(report.errors).toBe(0);
    expect(report.settled).toBe(true);
    await app.poller!.drain();
    const live = await liveCountsOverApi(experimentId);
    expect(live.variants.reduce((s, v) => s + v.exposures, 0)).toBe(report.enrolled);
    await expect.poll(() => pageShowsCounts(page, live), { timeout: 20_000 }).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __samePage?: string }).__samePage)).toBe('still here');
    // Fed by the subscription alone: no liveCounts polling happened during the run.
    expect(main.liveCountsRequests).toBe(0);
    expect(await page.locator('.live-status').getAttribute('data-mode')).toBe('subscription');
    expect(main.errors).toEqual([]);
    timings.liveSimulation = Date.now() - t;
  }, 120_000);

  it('shows the results table with the numbers `results` returns, progress toward the sample size, and no SRM warning', async () => {
    const t = Date.now();
    const { page } = main;
    const results = (await gql.request(GetResultsDocument, { experimentId }, asExperimenter())).results!;
    const expected = expectedResultCells(results);
    await expect.poll(() => pageResultCells(page), { timeout: 20_000 }).toEqual(expected);
    expect(Object.keys(expected)).toEqual(['friendly', 'urgent']);
    expect(expected.urgent!.pValue).not.toBe(MISSING);
    expect(results.srm.mismatch).toBe(false);
    expect(await page.locator('.srm-warning').count()).toBe(0);
    const s = results.sampleSize!;
    const progressText = await page.locator('[data-testid="sample-size"]').innerText();
    expect(progressText).toContain(formatInt(s.smallestVariantUsers));
    if (s.requiredUsersPerVariant) {
      expect(progressText).toContain(`of ${formatInt(s.requiredUsersPerVariant)} users in the smallest variant (${formatPercent(s.progress, 1)})`);
      expect(Number(await page.locator('progress#sample-progress').getAttribute('value'))).toBeCloseTo(s.progress!, 9);
    }
    timings.results = Date.now() - t;
  });

  it('writes a screenshot of the experiment page (test artifacts and the README)', async () => {
    const { page } = main;
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(200);
    const shot = await page.screenshot({ fullPage: true });
    writeFileSync(join(ARTIFACTS, 'experiment.png'), shot);
    // The README's copy is refreshed on request only, so that a test run leaves the tree clean.
    if (process.env.SPLITLOOP_UPDATE_SCREENSHOT === '1') {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      writeFileSync(join(ROOT, 'docs', 'dashboard.png'), shot);
    }
    expect(shot.length).toBeGreaterThan(50_000);
  });

  it('passes axe on the experiment page', async () => {
    await expectAccessible(main.page, 'experiment');
  });

  it('shows each variant\'s offer beside its reward cost and net revenue per user (the seeded $5 vs $10 demo)', async () => {
    const watched = await openPage(`/#/experiments/${encodeURIComponent(demoId)}`);
    const { page } = watched;
    const rows = page.locator('table.offers tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    expect(await page.locator('table.offers thead th').allInnerTexts()).toEqual(['Variant', 'Offer', 'Reward cost per user', 'Net revenue per user', 'Rejected as fraud', 'Goal decision']);
    expect(await page.locator('table.offers tr[data-variant="reward-10"] td').first().innerText()).toMatch(/referrer gets \$10\.00, friend gets \$10\.00, on first conversion/);
    expect(await page.locator('table.offers tr[data-variant="reward-5"] td').first().innerText()).toMatch(/referrer gets \$5\.00/);
    expect(await page.locator('table.offers caption').innerText()).toMatch(/goal: converting-referrer rate; rejected as suspected fraud: 0/);
    expect(watched.errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows Insights from the named queries (DuckDB over the exported lake), says where they come from, and passes axe', async () => {
    const watched = await openPage(`/#/experiments/${encodeURIComponent(experimentId)}/insights`);
    const { page } = watched;
    await expect.poll(() => page.locator('[data-source="local"]').count(), { timeout: 60_000 }).toBe(1);
    expect(await page.locator('[data-source="local"]').innerText()).toMatch(/DuckDB.*Athena named queries/);
    expect(await page.locator('section[data-query-section] canvas').count()).toBe(2);
    const table = page.locator('table[data-query="conversions_by_channel"]');
    const headers = await table.locator('thead th').allInnerTexts();
    const column = headers.indexOf('conversions');
    const cells = await table.locator(`tbody tr td:nth-child(${column + 1})`).allInnerTexts();
    const live = await liveCountsOverApi(experimentId);
    expect(cells.reduce((n, c) => n + num(c), 0)).toBe(live.variants.reduce((n, v) => n + v.conversions, 0));
    await expectAccessible(page, 'insights');
    expect(watched.errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('a weight change mid-run (through the edit form) opens phase 2: the page shows it with its decisions and no SRM warning, and the phase selector reads phase 1', async () => {
    const { page } = main;
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect.poll(() => page.locator('#f-variants-0-weight').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('#f-variants-0-key').isDisabled()).toBe(true); // frozen once started
    await page.locator('#f-variants-0-weight').fill('0.9');
    await page.locator('#f-variants-1-weight').fill('0.1');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/#\/experiments\/[^/]+$/, { timeout: 10_000 });
    await expect.poll(() => page.locator('[data-testid="phase-note"]').innerText(), { timeout: 15_000 }).toMatch(/^Phase 2 \(current\)/);
    // Phase 2 is tested against its own weights: no mismatch, so no warning.
    const phase2 = (await gql.request(GetResultsDocument, { experimentId }, asExperimenter())).results!;
    expect(phase2.phase).toBe(2);
    expect(phase2.srm.mismatch).toBe(false);
    expect(await page.locator('.srm-warning').count()).toBe(0);
    // The decision per treatment, with its reason, as the API gives it.
    const treatment = phase2.variants.find((v) => v.vsControl)!;
    const item = page.locator(`.decision-list li[data-variant="${treatment.key}"]`);
    expect(await item.getAttribute('data-decision')).toBe(treatment.vsControl!.decision);
    expect(await item.innerText()).toContain(treatment.vsControl!.decisionReason!);
    expect(await page.locator('table.results thead').innerText()).toContain('valid only at planned sample size');
    // Phase 1 stays readable through the selector.
    expect(await page.locator('#phase-select option').allInnerTexts()).toEqual(['1', '2 (current)']);
    await page.locator('#phase-select').selectOption('1');
    await expect.poll(() => page.locator('[data-testid="phase-note"]').innerText(), { timeout: 15_000 }).toMatch(/^Phase 1:/);
    const phase1 = (await gql.request(GetResultsDocument, { experimentId, phase: 1 }, asExperimenter())).results!;
    await expect.poll(() => pageResultCells(page), { timeout: 15_000 }).toEqual(expectedResultCells(phase1));
    await expectAccessible(page, 'experiment-phases');
    await page.screenshot({ path: join(ARTIFACTS, 'experiment-phases.png'), fullPage: false });
  });

  it('pauses and stops the experiment with its buttons', async () => {
    const { page } = main;
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.locator('.status').innerText(), { timeout: 10_000 }).toBe('Paused');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('button', { name: 'Stop the experiment' }).click();
    await expect.poll(() => page.locator('.status').innerText(), { timeout: 10_000 }).toBe('Stopped');
    expect((await gql.request(GetExperimentDocument, { id: experimentId }, asExperimenter())).experiment!.status).toBe('STOPPED');
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(main.errors).toEqual([]);
    await main.page.close();
  });

  it('falls back to polling liveCounts, and says so, when the realtime connection fails', async () => {
    const t = Date.now();
    const demoId = (await gql.request(GetLiveCountsDocument, { experimentId: experimentId }, { apiKey: auth.apiKeys[0]! })) && (await demoExperimentId());
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    // Point the page's realtime endpoint at a path of the same server that refuses WebSocket upgrades.
    await page.route('**/config.json', async (route) => {
      const response = await route.fetch();
      const config = (await response.json()) as Record<string, unknown>;
      await route.fulfill({ response, json: { ...config, realtimeUrl: '/graphql/no-realtime-here' } });
    });
    await page.goto(`${base}/#/experiments/${encodeURIComponent(demoId)}`);
    const status = page.locator('.live-status');
    await expect.poll(() => status.getAttribute('data-mode'), { timeout: 20_000 }).toBe('polling');
    expect(await status.innerText()).toMatch(/Realtime updates unavailable .*Falling back to polling liveCounts every 1 s/);
    const before = num(await cellText(page, 'td[data-variant="all"][data-metric="exposures"]'));
    const report = await simulate(demoId, 30, 0, 77);
    await app.poller!.drain();
    const live = await liveCountsOverApi(demoId);
    expect(live.variants.reduce((s, v) => s + v.exposures, 0)).toBe(before + report.enrolled);
    await expect.poll(() => pageShowsCounts(page, live), { timeout: 15_000 }).toBe(true);
    expect(await page.locator('table.funnel').getAttribute('data-last-source')).toBe('poll');
    // The only console errors are the browser's reports of the refused WebSocket connection.
    expect(errors.filter((e) => !/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/graphql\/no-realtime-here\?.*' failed/.test(e))).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    await page.close();
    timings.pollingFallback = Date.now() - t;
  }, 60_000);
});

async function demoExperimentId(): Promise<string> {
  const { ListExperimentsDocument } = await import('../../generated/graphql.ts');
  const list = (await gql.request(ListExperimentsDocument, { status: 'RUNNING', limit: 10 }, asExperimenter())).experiments.items;
  const demo = list.find((e) => e.name === 'Referral reward: $5 vs $10');
  if (!demo) throw new Error('the demo experiment is not running');
  return demo.id;
}
