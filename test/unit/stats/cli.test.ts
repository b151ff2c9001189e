import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { statsCommand } from '../../../cli/stats.ts';
import { analyze, type StatsInput } from '../../../lambdas/domain/stats/analyze.ts';

const input = JSON.parse(readFileSync(new URL('../../fixtures/stats-contract-input.json', import.meta.url), 'utf8')) as StatsInput;
const dir = mkdtempSync(join(tmpdir(), 'splitloop-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], stdinText = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  const code = await statsCommand(argv, Readable.from([stdinText]), io);
  return { code, stdout, stderr };
}

describe('splitloop stats', () => {
  it('reads --input FILE and prints the output JSON with a 2-space indent, exit 0', async () => {
    const file = join(dir, 'in.json');
    writeFileSync(file, JSON.stringify(input));
    for (const argv of [['--input', file], [`--input=${file}`], ['-i', file]]) {
      const r = await run(argv);
      expect(r).toEqual({ code: 0, stdout: `${JSON.stringify(analyze(input), null, 2)}\n`, stderr: '' });
    }
  });

  it('reads JSON on stdin without --input', async () => {
    const r = await run([], JSON.stringify(input));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(analyze(input));
  });

  it('exits 2 with the problems on stderr for invalid input', async () => {
    const r = await run([], JSON.stringify({ ...input, control: 'Z', variants: [{ key: 'A', users: 10, conversions: 11 }] }));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('invalid input in stdin');
    expect(r.stderr).toContain('conversions (11) cannot exceed users (10)');
    expect(r.stderr).toContain('unknown control key "Z"');
  });

  it('exits 2 for bad JSON, an empty input, a missing file and bad usage', async () => {
    const bad = await run([], '{"control": ');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('stdin is not valid JSON');
    const empty = await run([], '  \n');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('stdin is empty');
    const missing = await run(['--input', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const noValue = await run(['--input']);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain('--input needs a value');
    const unknown = await run(['--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option "--frobnicate"');
  });

  it('prints help with exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: splitloop stats [--input FILE]');
  });

  it('refuses to wait on a terminal when no input is given', async () => {
    let stderr = '';
    const tty = Object.assign(Readable.from([]), { isTTY: true });
    const code = await statsCommand([], tty, { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) } });
    expect(code).toBe(2);
    expect(stderr).toContain('no input');
  });
});
