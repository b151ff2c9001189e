// `splitloop start` (what `npm start` runs) as a user runs it: a child process that seeds the demo,
// serves the API and the dashboard, keeps its data across restarts and stops cleanly on Ctrl-C,
// leaving no Java process behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { authSettingsFromEnv } from '../../local/appsync/auth/index.ts';
import { freePort } from '../../local/dynamodb/lifecycle.ts';
import { createClient, experimenter } from '../support/client.ts';

const root = resolve(import.meta.dirname, '..', '..');

async function start(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [join(root, 'bin/splitloop.mjs'), 'start'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 90_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null) throw new Error(`start exited early (${child.exitCode}): ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`start did not come up: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => output };
}

async function interrupt(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.kill('SIGINT');
  return exited;
}

const javaProcessesFor = (dir: string) => spawnSync('pgrep', ['-f', `dbPath ${dir}`], { encoding: 'utf8' }).stdout.trim();

it('seeds the demo once, serves API and dashboard, keeps data across restarts and stops on Ctrl-C', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-start-'));
  const port = await freePort();
  const env = { PORT: String(port), SPLITLOOP_DATA_DIR: dataDir };
  const gql = createClient(`http://127.0.0.1:${port}/graphql`, authSettingsFromEnv({}, { dataDir }));
  const runningIds = async () =>
    (await gql<{ experiments: { items: { id: string }[] } }>('query { experiments(status: RUNNING) { items { id } } }', {}, experimenter)).data!.experiments.items.map((i) => i.id);

  const children: ChildProcess[] = [];
  try {
    const first = await start(env);
    children.push(first.child);
    const demoId = /Demo experiment: (\S+)/.exec(first.output())![1]!;
    expect(await runningIds()).toEqual([demoId]);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    expect(javaProcessesFor(join(dataDir, 'dynamodb'))).not.toBe('');
    expect(await interrupt(first.child)).toBe(0);
    expect(first.output()).toContain('splitloop: stopped.');
    expect(javaProcessesFor(join(dataDir, 'dynamodb'))).toBe('');

    const second = await start(env);
    children.push(second.child);
    expect(second.output()).toContain(`Demo experiment: ${demoId}`);
    expect(await runningIds()).toEqual([demoId]);
    expect(await interrupt(second.child)).toBe(0);
    expect(javaProcessesFor(join(dataDir, 'dynamodb'))).toBe('');
  } finally {
    // A failed assertion must not leave a server (and its Java) running on the CI machine.
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    spawnSync('pkill', ['-f', `dbPath ${join(dataDir, 'dynamodb')}`]);
  }
}, 240_000);
