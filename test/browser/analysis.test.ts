// The scheduled analysis in the dashboard, in headless Chromium against the local stack with a 1 s
// schedule: the results-over-time chart is drawn from resultsHistory (also after a reload), a new
// alert appears without a reload, the experiment list shows the open alerts, and the form has the
// auto-stop settings. Traffic is injected as the aggregator's totals items (what the analysis reads).
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../cli/app.ts';
import { buildDashboard } from '../../dashboard/build.ts';
import { localDashboardRoutes } from '../../dashboard/local.ts';
import { authSettingsFromEnv, type AuthSettings } from '../../local/appsync/auth/index.ts';
import { startAppOnSharedDynamoDb } from '../support/app.ts';
import { createClient, experimenter } from '../support/client.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

let auth: AuthSettings;
let app: App;
let browser: Browser;
let gql: ReturnType<typeof createClient>;
let experimentId: string;

/** Both variants' totals in one transaction, so that no run sees half of a change. */
async function setTotals(a: number, b: number, convA: number, convB: number) {
  const updatedAt = new Date().toISOString();
  const rows = [['A', a, convA], ['B', b, convB]] as const;
  await app.client.send(
    new TransactWriteItemsCommand({
      TransactItems: rows.map(([variant, users, converting]) => ({
        Put: {
          TableName: app.tableNames.main,
          Item: marshall({ pk: `EXP#${experimentId}`, sk: `AGG#${variant}`, entity: 'Aggregate', experimentId, variant, exposures: users, referrers: converting, convertingReferrers: converting, updatedAt }),
        },
      })),
    }),
  );
}

async function snapshotCount(): Promise<number> {
  const out = await gql<{ resultsHistory: { items: unknown[] } }>('query($id: ID!) { resultsHistory(experimentId: $id, limit: 500) { items { computedAt } } }', { id: experimentId }, experimenter);
  return out.data!.resultsHistory.items.length;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-browser-analysis-'));
  auth = authSettingsFromEnv({}, { dataDir: dir });
  const dist = await buildDashboard({ outDir: join(dir, 'dist') });
  app = await startAppOnSharedDynamoDb({ auth, staticDir: dist, routes: localDashboardRoutes(auth, { pollIntervalMs: 1000 }), scheduleRate: '1s', streams: false });
  gql = createClient(app.api.graphqlUrl, auth);
  const created = await gql<{ createExperiment: { id: string } }>(
    'mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }',
    { input: { name: 'Over time', control: 'A', variants: [{ key: 'A', name: 'A', weight: 0.5 }, { key: 'B', name: 'B', weight: 0.5 }] } },
    experimenter,
  );
  experimentId = created.data!.createExperiment.id;
  await gql('mutation($id: ID!) { startExperiment(id: $id) { id } }', { id: experimentId }, experimenter);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function open(path: string): Promise<{ page: Page; errors: string[]; historyRequests: () => number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  let history = 0;
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (r.method() === 'POST' && (r.postData() ?? '').includes('GetResultsHistory')) history += 1;
  });
  await page.goto(`${app.api.url}${path}`);
  return { page, errors, historyRequests: () => history };
}

it('draws the results-over-time chart from resultsHistory, and again after a reload', async () => {
  for (const [a, b, ca, cb] of [[500, 500, 50, 60], [1000, 1000, 100, 125], [1500, 1500, 150, 190]] as const) {
    const before = await snapshotCount();
    await setTotals(a, b, ca, cb);
    await expect.poll(snapshotCount, { timeout: 15_000 }).toBeGreaterThan(before);
  }
  const { page, errors, historyRequests } = await open(`/#/experiments/${experimentId}`);
  const figure = page.locator('figure.lift-over-time');
  await expect.poll(async () => Number(await figure.getAttribute('data-snapshots')), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  await page.reload();
  await expect.poll(async () => Number(await figure.getAttribute('data-snapshots')), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  expect(historyRequests()).toBeGreaterThanOrEqual(2);
  // the chart has pixels of the treatment's color (B is the second variant: #b3261e)
  const drawn = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('figure.lift-over-time canvas')!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let red = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - 0xb3) < 8 && Math.abs(data[i + 1]! - 0x26) < 8 && Math.abs(data[i + 2]! - 0x1e) < 8) red += 1;
    return red;
  });
  expect(drawn).toBeGreaterThan(50);
  expect(await page.locator('table.history tbody tr[data-variant="B"]').innerText()).toContain('1500');
  expect(errors).toEqual([]);
  await page.close();
}, 90_000);

it('shows a new alert without a reload, and the open alerts on the experiment list', async () => {
  const { page, errors } = await open(`/#/experiments/${experimentId}`);
  await page.locator('.alert-status', { hasText: 'Live' }).waitFor();
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  expect(await page.locator('.alert-feed li[data-kind="SRM"]').count()).toBe(0);
  await setTotals(1500, 1900, 150, 190); // a sample-ratio mismatch
  await page.locator('.alert-feed li[data-kind="SRM"]').waitFor({ timeout: 15_000 });
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  expect(await page.locator('.alert-feed li[data-kind="SRM"]').innerText()).toMatch(/Sample ratio mismatch/);

  await page.goto(`${app.api.url}/#/experiments?status=RUNNING`);
  await page.locator(`td.alerts-cell[data-experiment="${experimentId}"] .alert-badge[data-kind="SRM"]`).waitFor();

  await page.goto(`${app.api.url}/#/new`);
  await page.getByLabel('When the end date has passed').waitFor();
  expect(await page.getByLabel('When every treatment has a decision').isChecked()).toBe(false);
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);
