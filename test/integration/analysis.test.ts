// The scheduled analysis end to end on DynamoDB Local, with the local scheduler ticking every second:
// snapshots accumulate, the stored always-valid p-value is a running minimum, a skewed split raises
// one SRM alert pushed to an onExperimentAlert subscriber within two ticks, and autoStop.onEndDate
// stops a running experiment (never a paused one).
//
// Traffic is injected as the aggregator's totals items (AGG#<variant>): the analysis reads only
// those, and writing them directly lets a test choose the split and the effect exactly.
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../cli/app.ts';
import { sequentialPValue } from '../../lambdas/domain/stats/msprt.ts';
import { signToken } from '../../local/appsync/auth/index.ts';
import { startTestApp } from '../support/app.ts';
import { experimenter, type createClient } from '../support/client.ts';
import { subscribe } from '../support/realtime-client.ts';

let app: App;
let gql: ReturnType<typeof createClient>;
let token: string;

beforeAll(async () => {
  const started = await startTestApp({ scheduleRate: '1s' });
  ({ app, gql } = started);
  token = signToken({ user: 'growth-lead', groups: ['experimenters'] }, started.auth);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

const runs = () => app.scheduler!.stats.analysis!.runs;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function createRunning(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await gql<{ createExperiment: { id: string } }>(
    'mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }',
    { input: { name, control: 'A', variants: [{ key: 'A', name: 'A', weight: 0.5 }, { key: 'B', name: 'B', weight: 0.5 }], ...extra } },
    experimenter,
  );
  expect(created.errors).toBeUndefined();
  const id = created.data!.createExperiment.id;
  const started = await gql('mutation($id: ID!) { startExperiment(id: $id) { id } }', { id }, experimenter);
  expect(started.errors).toBeUndefined();
  return id;
}

/** Writes every variant's totals in one transaction, so that no run sees half of a change. */
async function setTotals(experimentId: string, totals: Record<string, { users: number; converting: number }>) {
  const updatedAt = new Date().toISOString();
  await app.client.send(
    new TransactWriteItemsCommand({
      TransactItems: Object.entries(totals).map(([variant, t]) => ({
        Put: {
          TableName: app.tableNames.main,
          Item: marshall({ pk: `EXP#${experimentId}`, sk: `AGG#${variant}`, entity: 'Aggregate', experimentId, variant, exposures: t.users, referrers: t.converting, convertingReferrers: t.converting, updatedAt }),
        },
      })),
    }),
  );
}

interface SnapshotRow {
  computedAt: string;
  phase: number;
  srmPValue: number | null;
  variants: { key: string; users: number; sequentialPValue: number | null; decision: string | null; relativeLift: number | null }[];
}

async function history(experimentId: string): Promise<SnapshotRow[]> {
  const out = await gql<{ resultsHistory: { items: SnapshotRow[] } }>(
    'query($id: ID!) { resultsHistory(experimentId: $id, limit: 500) { items { computedAt phase srmPValue variants { key users sequentialPValue decision relativeLift } } } }',
    { id: experimentId },
    experimenter,
  );
  expect(out.errors).toBeUndefined();
  return out.data!.resultsHistory.items;
}

interface AlertRow {
  id: string;
  experimentId: string;
  phase: number;
  kind: string;
  message: string;
  createdAt: string;
}

async function alerts(experimentId: string): Promise<AlertRow[]> {
  const out = await gql<{ alerts: { items: AlertRow[] } }>(
    'query($id: ID!) { alerts(experimentId: $id) { items { id experimentId phase kind message createdAt } } }',
    { id: experimentId },
    experimenter,
  );
  expect(out.errors).toBeUndefined();
  return out.data!.alerts.items;
}

const ALERT_SUBSCRIPTION = 'subscription($id: ID!) { onExperimentAlert(experimentId: $id) { id experimentId phase kind message createdAt } }';

describe('scheduled analysis (1 s schedule)', () => {
  it('accumulates snapshots whose always-valid p-value never increases; a skewed split raises one SRM alert, pushed within two ticks', async () => {
    const id = await createRunning('analysis-srm');
    const sub = await subscribe<AlertRow>(app.api.realtimeUrl, { authorization: token }, ALERT_SUBSCRIPTION, { id });

    // A strong early effect that then fades: the look-by-look p-value rises again, the stored one may not.
    const looks = [
      { A: { users: 2000, converting: 200 }, B: { users: 2000, converting: 300 } },
      { A: { users: 4000, converting: 400 }, B: { users: 4000, converting: 480 } },
      { A: { users: 8000, converting: 800 }, B: { users: 8000, converting: 840 } },
      { A: { users: 16000, converting: 1600 }, B: { users: 16000, converting: 1620 } },
    ];
    for (const look of looks) {
      await setTotals(id, look);
      const seen = (await history(id)).length;
      await waitUntil('a new snapshot', async () => (await history(id)).length > seen && true);
    }
    const snaps = await history(id);
    expect(snaps.length).toBeGreaterThanOrEqual(looks.length);
    expect(snaps.map((s) => s.computedAt)).toEqual([...snaps.map((s) => s.computedAt)].sort());
    const pB = snaps.map((s) => s.variants.find((v) => v.key === 'B')!.sequentialPValue ?? 1);
    for (let i = 1; i < pB.length; i += 1) expect(pB[i]).toBeLessThanOrEqual(pB[i - 1]!);
    // the last look on its own is far from significant; the running minimum kept the early evidence
    const lastLookAlone = sequentialPValue(1600, 16000, 1620, 16000)!;
    expect(lastLookAlone).toBeGreaterThan(0.5);
    expect(pB.at(-1)!).toBe(Math.min(...pB));
    expect(pB.at(-1)!).toBeLessThan(0.01);
    const results = await gql<{ results: { variants: { key: string; vsControl: { sequentialPValue: number } | null }[] } }>(
      'query($id: ID!) { results(experimentId: $id) { variants { key vsControl { sequentialPValue } } } }',
      { id },
      experimenter,
    );
    expect(results.data!.results.variants[1]!.vsControl!.sequentialPValue).toBeLessThanOrEqual(pB.at(-1)!);
    expect((await alerts(id)).filter((a) => a.kind === 'SRM')).toEqual([]);

    // Inject a skewed split: 16,000 vs 18,000 users for 50/50 weights (SRM p ≈ 1e-26).
    const before = runs();
    await setTotals(id, { A: { users: 16000, converting: 1600 }, B: { users: 18000, converting: 1800 } });
    await sub.waitFor((m) => m.some((a) => a.kind === 'SRM'), 10_000);
    // The run in progress when the split was injected may have read the old totals: two ticks at most.
    expect(runs() - before).toBeLessThanOrEqual(2);
    const pushed = sub.messages.find((a) => a.kind === 'SRM')!;
    expect(pushed).toMatchObject({ experimentId: id, phase: 1, id: `${id}:1:SRM` });
    expect(pushed.message).toMatch(/Sample ratio mismatch/);

    // Further runs see the same mismatch and raise nothing more.
    const after = runs();
    await waitUntil('three more runs', async () => runs() >= after + 3);
    expect(sub.messages.filter((a) => a.kind === 'SRM')).toHaveLength(1);
    const stored = (await alerts(id)).filter((a) => a.kind === 'SRM');
    expect(stored).toEqual([pushed]);
    await sub.close();
  }, 60_000);

  it('stops a running experiment past its end date with autoStop.onEndDate (AUTO_STOPPED), never a paused one', async () => {
    const endDate = new Date(Date.now() + 4_000).toISOString();
    const running = await createRunning('analysis-autostop', { endDate, autoStop: { onEndDate: true } });
    const sub = await subscribe<AlertRow>(app.api.realtimeUrl, { authorization: token }, ALERT_SUBSCRIPTION, { id: running });
    const paused = await createRunning('analysis-paused', { endDate, autoStop: { onEndDate: true } });
    const off = await createRunning('analysis-no-autostop', { endDate });
    expect((await gql('mutation($id: ID!) { pauseExperiment(id: $id) { id } }', { id: paused }, experimenter)).errors).toBeUndefined();
    for (const id of [running, paused, off]) await setTotals(id, { A: { users: 500, converting: 50 }, B: { users: 500, converting: 55 } });
    expect((await alerts(running)).map((a) => a.kind)).toEqual([]);

    const status = async (id: string) =>
      (await gql<{ experiment: { status: string; stoppedAt: string | null; autoStop: { onEndDate: boolean } } }>('query($id: ID!) { experiment(id: $id) { status stoppedAt autoStop { onEndDate } } }', { id }, experimenter)).data!
        .experiment;
    const stopped = await waitUntil('the auto-stop', async () => {
      const e = await status(running);
      return e.status === 'STOPPED' && e;
    });
    expect(Date.parse(stopped.stoppedAt!)).toBeGreaterThanOrEqual(Date.parse(endDate));
    await sub.waitFor((m) => m.some((a) => a.kind === 'AUTO_STOPPED'), 5_000);
    const kinds = (await alerts(running)).map((a) => a.kind).sort();
    expect(kinds).toEqual(['AUTO_STOPPED', 'END_DATE']);
    expect((await alerts(running)).find((a) => a.kind === 'AUTO_STOPPED')!.message).toMatch(/end date .* passed/);
    // the readout of the stopped experiment is still there
    const results = await gql<{ results: { experimentId: string; final: boolean } }>('query($id: ID!) { results(experimentId: $id) { experimentId final } }', { id: running }, experimenter);
    expect(results.errors).toBeUndefined();
    expect(results.data!.results.final).toBe(true); // auto-stop freezes the readout like stopExperiment

    const after = runs();
    await waitUntil('two more runs', async () => runs() >= after + 2);
    expect((await status(paused)).status).toBe('PAUSED');
    expect(await alerts(paused)).toEqual([]);
    // without autoStop the end date only alerts
    expect((await status(off)).status).toBe('RUNNING');
    expect((await alerts(off)).map((a) => a.kind)).toEqual(['END_DATE']);
    await sub.close();
  }, 60_000);

  it('rejects bad arguments with an errorType and needs an experimenter', async () => {
    const id = await createRunning('analysis-args');
    const bad = await gql('query($id: ID!) { resultsHistory(experimentId: $id, limit: 0) { items { phase } } }', { id }, experimenter);
    expect(bad.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
    const missing = await gql('query { resultsHistory(experimentId: "nope") { items { phase } } }', {}, experimenter);
    expect(missing.errors?.[0]).toMatchObject({ errorType: 'NotFoundError' });
    const anonymous = await gql('query($id: ID!) { alerts(experimentId: $id) { items { id } } }', { id });
    expect(anonymous.errors?.[0]?.errorType).toBe('Unauthorized');
    const badAuto = await gql('mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }', {
      input: { name: 'x', control: 'A', variants: [{ key: 'A', name: 'A', weight: 0.5 }, { key: 'B', name: 'B', weight: 0.5 }], autoStop: { onDecision: 'yes' } },
    }, experimenter);
    expect(badAuto.errors?.[0]?.errorType).toBeDefined();
  }, 30_000);
});
