// `splitloop stats` as a user runs it: the real CLI in a child process.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../lambdas/domain/stats/analyze.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const inputFile = join(root, 'test/fixtures/stats-contract-input.json');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [join(root, 'bin/splitloop.mjs'), 'stats', ...args], { cwd: root, input, encoding: 'utf8', timeout: 60_000 });

describe('splitloop stats', () => {
  it('prints the engine output for --input FILE, and the same for JSON on stdin', () => {
    const expected = analyze(JSON.parse(readFileSync(inputFile, 'utf8')));
    const fromFile = run(['--input', inputFile]);
    expect(fromFile.status).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
    const fromStdin = run([], readFileSync(inputFile, 'utf8'));
    expect(fromStdin.status).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual(JSON.parse(fromFile.stdout));
  });

  it('exits 2 with an actionable message for invalid input', () => {
    const bad = run([], JSON.stringify({ control: 'Z', variants: [{ key: 'A', users: 10, conversions: 20 }] }));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/conversions/);
    expect(bad.stdout).toBe('');
  });
});
