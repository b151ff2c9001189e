import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimulateArgs } from '../../cli/simulate/args.ts';
import { formatReport, simulateCommand, textTable } from '../../cli/simulate.ts';
import { authSettingsFromEnv } from '../../local/appsync/auth/index.ts';

describe('simulate flags', () => {
  it('has defaults for everything but the experiment', () => {
    expect(parseSimulateArgs(['--experiment', 'e1'])).toEqual({
      ok: true,
      args: { experimentId: 'e1', users: 1000, lift: 0.1, durationSeconds: 30, graphqlUrl: 'http://localhost:4000/graphql', concurrency: 16, seed: undefined, json: false, settleSeconds: 30, days: null, daySeconds: 6 },
    });
  });

  it('reads every flag, in both --flag value and --flag=value forms, and PORT for the default URL', () => {
    const r = parseSimulateArgs(['--experiment=e2', '--users', '50', '--lift=0.25', '--duration', '2.5', '--concurrency', '4', '--seed', '7', '--settle', '5', '--json'], { PORT: '4100' });
    expect(r).toEqual({
      ok: true,
      args: { experimentId: 'e2', users: 50, lift: 0.25, durationSeconds: 2.5, graphqlUrl: 'http://localhost:4100/graphql', concurrency: 4, seed: 7, json: true, settleSeconds: 5, days: null, daySeconds: 6 },
    });
    const u = parseSimulateArgs(['--experiment', 'e', '--url', 'http://127.0.0.1:9999/graphql']);
    expect(u.ok && u.args.graphqlUrl).toBe('http://127.0.0.1:9999/graphql');
    expect(parseSimulateArgs(['--experiment', 'e', '--lift', '-0.5']).ok).toBe(true);
  });

  it('has a time-compressed mode: --days D of --day-seconds S each', () => {
    const d = parseSimulateArgs(['--experiment', 'e', '--days', '7', '--day-seconds', '5']);
    expect(d.ok && d.args).toMatchObject({ days: 7, daySeconds: 5, durationSeconds: 35 });
    const defaults = parseSimulateArgs(['--experiment', 'e', '--days', '3']);
    expect(defaults.ok && defaults.args).toMatchObject({ days: 3, daySeconds: 6, durationSeconds: 18 });
  });

  it.each([
    [[], /--experiment ID is required/],
    [['--experiment'], /--experiment needs a value/],
    [['--experiment', 'e', '--users', '0'], /--users must be from 1/],
    [['--experiment', 'e', '--users', '1.5'], /--users must be a whole number/],
    [['--experiment', 'e', '--users', 'many'], /--users must be a whole number, got "many"/],
    [['--experiment', 'e', '--lift', '-1'], /--lift must be greater than -1/],
    [['--experiment', 'e', '--lift', 'big'], /--lift must be a number/],
    [['--experiment', 'e', '--duration', '-3'], /--duration must be from 0/],
    [['--experiment', 'e', '--concurrency', '0'], /--concurrency must be from 1 to 256/],
    [['--experiment', 'e', '--url', 'not a url'], /--url is not a URL/],
    [['--experiment', 'e', '--url', 'ftp://x/graphql'], /--url must be an http\(s\) URL/],
    [['--experiment', 'e', '--seed', '-1'], /--seed must be from 0/],
    [['--experiment', 'e', '--colour', 'red'], /unknown option "--colour"/],
    [['--experiment', 'e', 'extra'], /unexpected argument "extra"/],
    [['--experiment', 'e', '--users', '5', '--users', '6'], /--users is given twice/],
    [['--experiment', 'e', '--json=yes'], /--json takes no value/],
    [['--experiment', 'e', '--users', '--lift', '2'], /--users needs a value/],
    [['--experiment', 'e', '--days', '2', '--duration', '10'], /--days and --duration/],
    [['--experiment', 'e', '--day-seconds', '2'], /--day-seconds needs --days/],
    [['--experiment', 'e', '--days', '0'], /--days must be from 1/],
  ])('rejects %j', (argv, message) => {
    const r = parseSimulateArgs(argv as string[]);
    expect(r.ok).toBe(false);
    expect(r.ok === false && 'error' in r ? r.error : '').toMatch(message);
  });

  it('answers --help and -h with the usage', () => {
    expect(parseSimulateArgs(['--help'])).toEqual({ ok: false, help: true });
    expect(parseSimulateArgs(['--experiment', 'e', '-h'])).toEqual({ ok: false, help: true });
  });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY: false },
      env: {},
      auth: authSettingsFromEnv({}, { dataDir: mkdtempSync(join(tmpdir(), 'sl-sim-args-')) }),
    },
  };
}

describe('splitloop simulate (command)', () => {
  it('exits 2 with the reason and the usage for a bad flag, before touching the network', async () => {
    const c = capture();
    expect(await simulateCommand(['--experiment', 'e', '--users', 'lots'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/^splitloop simulate: --users must be a whole number, got "lots"\n\nusage: splitloop simulate/);
    expect(c.out).toEqual([]);
  });

  it('prints the usage for --help and exits 0', async () => {
    const c = capture();
    expect(await simulateCommand(['--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('--experiment ID');
  });

  it('says clearly when nothing listens at the URL (exit 1)', async () => {
    const port = await new Promise<number>((done) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    const c = capture();
    expect(await simulateCommand(['--experiment', 'e', '--users', '1', '--url', `http://127.0.0.1:${port}/graphql`], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(new RegExp(`cannot reach http://127.0.0.1:${port}/graphql .*is the local API running \\(npm start\\)\\?`));
  });

  it('lays out plain-text tables', () => {
    expect(textTable(['variant', 'users'], [['A', '1'], ['control', '1,000']])).toBe('variant  users\n-------  -----\nA            1\ncontrol  1,000');
    expect(typeof formatReport).toBe('function');
  });
});
