// The local runtime against its peers, in one run, on the same DynamoDB Local table:
//   - the Amplify AppSync simulator (VTL GetItem), installed on demand into bench/peers/ (its own
//     package.json pins graphql@15, so the product's install stays lean);
//   - DynamoDB Local alone (raw GetItem over HTTP): the ceiling for any GetItem-backed query.
// autocannon runs in its own process (bench/load.mjs); every server is on 127.0.0.1. Rounds are
// interleaved (each round runs every target once; the local runtime and the simulator run back to
// back on the same configuration, first one then the other on alternate rounds, so a change in the
// machine's load hits both alike), and each figure is the median over rounds with its min–max;
// ratios are taken per round. CPU is read from /proc per process (all its threads) during each run;
// CPU per request (that process's CPU time / requests served) is the figure least moved by other
// jobs on a shared machine. The load average is printed with each round.
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { authSettingsFromEnv } from '../local/appsync/auth/index.ts';
import { startLocalStack } from '../local/stack.ts';
import { fixtureManifest } from '../test/fixtures/runtime-app/manifest.ts';
import { median, summary, type BenchRow } from './table.ts';

const root = resolve(import.meta.dirname, '..');
const PEERS = join(root, 'bench/peers');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const IDS = Array.from({ length: 1000 }, (_, i) => `n${i}`);

interface LoadResult {
  rps: number;
  total: number;
  p99: number;
  errors: number;
  non2xx: number;
  cpu: Record<string, number>;
}

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  kind: 'graphql-var' | 'graphql-literal' | 'ddb';
  connections: number;
  table?: string;
  /** The process serving it (for CPU per request). */
  server: string;
  /** Targets with the same pair key run back to back. */
  pair: string;
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function ensureSimulator(progress: (s: string) => void): boolean {
  if (existsSync(join(PEERS, 'node_modules/@aws-amplify/amplify-appsync-simulator'))) return true;
  progress('peers: installing the Amplify AppSync simulator into bench/peers (once)');
  const r = spawnSync('npm', ['install', '--prefix', PEERS, '--no-audit', '--no-fund', '--ignore-scripts'], { stdio: 'inherit', timeout: 600_000 });
  return r.status === 0;
}

async function startSimulator(endpoint: string, table: string): Promise<{ child: ChildProcess; url: string; apiKey: string }> {
  const child = spawn(process.execPath, [join(PEERS, 'simulator.cjs'), endpoint, table], { cwd: PEERS, stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((done, fail) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', done);
    child.once('exit', (code) => fail(new Error(`the simulator exited with ${code}`)));
  });
  const { url, apiKey } = JSON.parse(line) as { url: string; apiKey: string };
  return { child, url, apiKey };
}

function runLoad(target: Target, seconds: number, pids: Record<string, number | undefined>): Promise<LoadResult> {
  const spec = JSON.stringify({ ...target, ids: IDS, seconds });
  const child = spawn(process.execPath, [join(root, 'bench/load.mjs'), spec], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const all = { ...pids, 'load generator': child.pid };
  const before = Object.fromEntries(Object.entries(all).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const started = performance.now();
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((done, fail) => {
    let lastCpu: Record<string, number | null> = {};
    // The load generator's own CPU must be read before it exits.
    const sampler = setInterval(() => (lastCpu = { 'load generator': cpuSeconds(child.pid) }), 200);
    child.once('exit', (code) => {
      clearInterval(sampler);
      const wall = (performance.now() - started) / 1000;
      if (code !== 0) return fail(new Error(`load generator exited with ${code}`));
      const cpu: Record<string, number> = {};
      for (const [k, pid] of Object.entries(all)) {
        const end = k === 'load generator' ? lastCpu[k] : cpuSeconds(pid);
        const start = before[k];
        if (end != null && start != null) cpu[k] = ((end - start) / wall) * 100;
      }
      const r = JSON.parse(out) as Omit<LoadResult, 'cpu'>;
      done({ ...r, cpu });
    });
  });
}

async function check(url: string, headers: Record<string, string>): Promise<void> {
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: 'query Note($id: ID!) { note(id: $id) { id title n } }', variables: { id: 'n7' } }) });
  const json = (await r.json()) as { data?: { note?: { id: string; n: number } } };
  if (json.data?.note?.id !== 'n7' || json.data.note.n !== 7) throw new Error(`${url} answered ${JSON.stringify(json)}`);
}

export async function benchPeers(progress: (s: string) => void): Promise<BenchRow[]> {
  const haveSimulator = ensureSimulator(progress);
  const auth = authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-bench-peers-')) });
  const stack = await startLocalStack({
    root,
    manifest: fixtureManifest,
    schemaFile: join(root, 'test/fixtures/runtime-app/schema.graphql'),
    auth,
    tablePrefix: 'peers',
  });
  let simulator: Awaited<ReturnType<typeof startSimulator>> | null = null;
  try {
    const table = stack.tableNames.notes!;
    for (let i = 0; i < IDS.length; i += 25) {
      const items = IDS.slice(i, i + 25).map((id, j) => ({
        PutRequest: { Item: { pk: { S: 'NOTE' }, sk: { S: id }, id: { S: id }, title: { S: `note ${id}` }, n: { N: String(i + j) } } },
      }));
      await stack.client.send(new BatchWriteItemCommand({ RequestItems: { [table]: items } }));
    }
    const localHeaders = { 'content-type': 'application/json', 'x-api-key': auth.apiKeys[0]! };
    await check(stack.api.graphqlUrl, localHeaders);
    const pids: Record<string, number | undefined> = { 'splitloop runtime': process.pid, 'DynamoDB Local': stack.dynamodb.process.pid };
    const targets: Target[] = [];
    const add = (name: string, server: string, url: string, headers: Record<string, string>, kind: Target['kind'], connections: number[]) => {
      for (const c of connections) targets.push({ name: `${name}, ${c} conn`, url, headers, kind, connections: c, server, pair: `${kind} ${c}` });
    };
    add('local runtime: GetItem query', 'splitloop runtime', stack.api.graphqlUrl, localHeaders, 'graphql-var', [1, 16, 64]);
    add('local runtime: literal changes per request', 'splitloop runtime', stack.api.graphqlUrl, localHeaders, 'graphql-literal', [16]);
    if (haveSimulator) {
      simulator = await startSimulator(stack.dynamodb.endpoint, table);
      pids['AppSync simulator'] = simulator.child.pid;
      const simHeaders = { 'content-type': 'application/json', 'x-api-key': simulator.apiKey };
      await check(simulator.url, simHeaders);
      add('simulator: GetItem query', 'AppSync simulator', simulator.url, simHeaders, 'graphql-var', [1, 16, 64]);
      add('simulator: literal changes per request', 'AppSync simulator', simulator.url, simHeaders, 'graphql-literal', [16]);
    }
    const ddbHeaders = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.GetItem',
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    };
    targets.push({ name: 'DynamoDB Local alone: GetItem, 16 conn', url: stack.dynamodb.endpoint, headers: ddbHeaders, kind: 'ddb', connections: 16, table, server: 'DynamoDB Local', pair: 'ddb' });

    progress('peers: warm-up');
    for (const t of targets) await runLoad(t, 1, pids);
    const results = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
    const pairs = [...new Set(targets.map((t) => t.pair))].map((key) => targets.filter((t) => t.pair === key));
    for (let round = 1; round <= ROUNDS; round += 1) {
      const order = pairs.flatMap((pair) => (round % 2 ? pair : [...pair].reverse()));
      for (const t of order) {
        progress(`peers: round ${round}/${ROUNDS}: ${t.name} (load average ${loadavg()[0]!.toFixed(1)})`);
        const r = await runLoad(t, SECONDS, pids);
        if (r.errors || r.non2xx) throw new Error(`${t.name}: ${r.errors} errors, ${r.non2xx} non-2xx responses`);
        results.get(t.name)!.push(r);
      }
    }
    return peerRows(targets, results);
  } finally {
    simulator?.child.stdin?.end();
    simulator?.child.kill();
    await stack.stop();
  }
}

function peerRows(targets: Target[], results: Map<string, LoadResult[]>): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const t of targets) {
    const rs = results.get(t.name)!;
    rows.push(summary(`${t.name}: throughput`, rs.map((r) => r.rps), 'req/s'));
    rows.push(summary(`${t.name}: p99 latency`, rs.map((r) => r.p99), 'ms'));
    const cpu = Object.keys(rs[0]!.cpu).map((k) => `${k} ${median(rs.map((r) => r.cpu[k] ?? 0)).toFixed(0)}%`);
    rows.push({ name: `${t.name}: CPU per process (% of a core)`, value: NaN, unit: cpu.join(', ') });
    // % of a core / req/s = core-seconds per request; x 1000 -> ms.
    rows.push(summary(`${t.name}: CPU per request (${t.server})`, rs.map((r) => ((r.cpu[t.server] ?? NaN) / 100 / r.rps) * 1000), 'ms'));
  }
  const ratio = (a: string, b: string, label: string) => {
    const ra = results.get(a);
    const rb = results.get(b);
    if (!ra?.length || !rb?.length) return;
    rows.push(summary(label, ra.map((r, i) => r.rps / rb[i]!.rps), 'x'));
  };
  for (const c of [1, 16, 64]) ratio(`local runtime: GetItem query, ${c} conn`, `simulator: GetItem query, ${c} conn`, `ratio local runtime / simulator, GetItem, ${c} conn`);
  ratio('local runtime: literal changes per request, 16 conn', 'simulator: literal changes per request, 16 conn', 'ratio local runtime / simulator, literal per request, 16 conn');
  ratio('local runtime: GetItem query, 16 conn', 'DynamoDB Local alone: GetItem, 16 conn', 'ratio local runtime / DynamoDB Local alone (ceiling), 16 conn');
  // p99 (lower is better) and CPU per request (lower is better): local / simulator, per round.
  const per = (a: string, b: string, label: string, of: (r: LoadResult, t: Target) => number) => {
    const ta = targets.find((t) => t.name === a);
    const tb = targets.find((t) => t.name === b);
    const ra = results.get(a);
    const rb = results.get(b);
    if (!ta || !tb || !ra?.length || !rb?.length) return;
    rows.push(summary(label, ra.map((r, i) => of(r, ta) / of(rb[i]!, tb)), 'x'));
  };
  per('local runtime: GetItem query, 16 conn', 'simulator: GetItem query, 16 conn', 'ratio p99 latency local runtime / simulator, GetItem, 16 conn (lower is better)', (r) => r.p99);
  const cpuPerRequest = (r: LoadResult, t: Target) => (r.cpu[t.server] ?? NaN) / r.rps;
  for (const c of [16, 64]) {
    per(`local runtime: GetItem query, ${c} conn`, `simulator: GetItem query, ${c} conn`, `ratio CPU per request local runtime / simulator, GetItem, ${c} conn (lower is better)`, cpuPerRequest);
  }
  per('local runtime: literal changes per request, 16 conn', 'simulator: literal changes per request, 16 conn', 'ratio CPU per request local runtime / simulator, literal per request, 16 conn (lower is better)', cpuPerRequest);
  return rows;
}
