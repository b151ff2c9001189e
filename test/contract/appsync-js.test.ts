// Replays the APPSYNC_JS conformance vectors through `splitloop evaluate`, the way a user runs
// EvaluateCode offline: the command's own code (argv, code and context files, JSON on stdout) runs
// in this process for every vector (a process per vector cost a minute), and the real binary is
// spawned once to show it prints the same JSON (its usage exit code: test/unit/stats/stats-cli.test.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../local/cli/evaluate.ts';
import vectorFile from './appsync-js.vectors.json' with { type: 'json' };

interface Expected {
  evaluationResult?: unknown;
  error?: { message?: string; messageContains?: string };
  logs?: string[];
  outErrors?: unknown[];
  stash?: Record<string, unknown>;
}
interface Vector {
  name: string;
  source: string;
  code: string;
  function: 'request' | 'response';
  context: Record<string, unknown>;
  expected: Expected;
}
interface CliOutput {
  evaluationResult?: string;
  error?: { message: string };
  logs: string[];
  stash: string;
  outErrors: string;
}
interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const vectors = (vectorFile as { vectors: Vector[] }).vectors;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'bin/splitloop.mjs');
const CONCURRENCY = 4;

/** The real binary in a child process. */
function spawnCli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The command's code in this process, its output captured instead of written. */
async function runCommand(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await evaluateCommand(args, { cwd: root, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

let dir: string;
const runs = new Map<string, Run>();

function vectorArgs(v: Vector, index: number): string[] {
  const code = path.join(dir, `v${index}.js`);
  const context = path.join(dir, `v${index}.json`);
  writeFileSync(code, v.code);
  writeFileSync(context, JSON.stringify(v.context));
  return ['evaluate', '--code', code, '--function', v.function, '--context', context];
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'appsync-js-vectors-'));
  let next = 0;
  const worker = async () => {
    while (next < vectors.length) {
      const index = next;
      next += 1;
      const v = vectors[index] as Vector;
      runs.set(v.name, await runCommand(vectorArgs(v, index).slice(1)));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('APPSYNC_JS conformance vectors via `splitloop evaluate`', () => {
  it('has uniquely named vectors, each with a source', () => {
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
    for (const v of vectors) expect(v.source.length, v.name).toBeGreaterThan(10);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const run = runs.get(v.name) as Run;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as CliOutput;
    const { expected } = v;
    if (expected.error) {
      expect(out.evaluationResult).toBeUndefined();
      if (expected.error.message !== undefined) expect(out.error?.message).toBe(expected.error.message);
      if (expected.error.messageContains !== undefined) expect(out.error?.message).toContain(expected.error.messageContains);
    } else {
      expect(out.error).toBeUndefined();
      expect(JSON.parse(out.evaluationResult as string)).toEqual(expected.evaluationResult);
    }
    if (expected.logs) expect(out.logs).toEqual(expected.logs);
    if (expected.outErrors) expect(JSON.parse(out.outErrors)).toEqual(expected.outErrors);
    if (expected.stash) expect(JSON.parse(out.stash)).toEqual(expected.stash);
  });
});

describe('the `splitloop evaluate` binary', () => {
  it('prints the same JSON as the command in-process (one vector with a log line, exit 0)', async () => {
    const i = vectors.findIndex((v) => !v.expected.error && v.expected.logs?.length);
    expect(i).toBeGreaterThanOrEqual(0);
    const run = await spawnCli(vectorArgs(vectors[i]!, i));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(runs.get(vectors[i]!.name)!.stdout));
  });
});

describe('`splitloop evaluate` usage', () => {
  it('exits 2 with a usage message on stderr for a missing option', async () => {
    const run = await runCommand(['--code', 'x.js', '--function', 'request']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/--context is required[\s\S]*usage: splitloop evaluate/);
  });

  it('exits 2 for an unreadable code file and for a context that is not a JSON object', async () => {
    const context = path.join(dir, 'array.json');
    writeFileSync(context, '[1, 2]');
    const missing = await runCommand(['--code', path.join(dir, 'nope.js'), '--function', 'request', '--context', context]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read the code file');
    const code = path.join(dir, 'ok.js');
    writeFileSync(code, 'export function request() { return 1; }');
    const badContext = await runCommand(['--code', code, '--function', 'request', '--context', context]);
    expect(badContext.status).toBe(2);
    expect(badContext.stderr).toContain('context must be a JSON object');
  });

  it('bundles TypeScript with its relative imports before evaluating it', async () => {
    writeFileSync(path.join(dir, 'helper.ts'), 'export const double = (n: number): number => n * 2;\n');
    const code = path.join(dir, 'resolver.ts');
    writeFileSync(
      code,
      "import { util, type Context } from '@aws-appsync/utils';\nimport { double } from './helper.ts';\n\n" +
        'export function request(ctx: Context) {\n  return { n: double(ctx.args.n as number), id: util.dynamodb.toDynamoDB(ctx.args.id) };\n}\n',
    );
    const context = path.join(dir, 'ts.json');
    writeFileSync(context, JSON.stringify({ arguments: { n: 21, id: 'a' } }));
    const run = await runCommand(['--code', code, '--function', 'request', '--context', context]);
    expect(run.status).toBe(0);
    expect(JSON.parse((JSON.parse(run.stdout) as CliOutput).evaluationResult as string)).toEqual({ n: 42, id: { S: 'a' } });
  });

  it('reports code that does not parse as an evaluation error (exit 0)', async () => {
    const code = path.join(dir, 'broken.js');
    writeFileSync(code, 'export function request(ctx) {\n  return (;\n}\n');
    const context = path.join(dir, 'empty.json');
    writeFileSync(context, '{}');
    const run = await runCommand(['--code', code, '--function', 'request', '--context', context]);
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as CliOutput & { error: { codeErrors: { location: { line: number } }[] } };
    expect(out.error.message).toContain('The code contains one or more errors');
    expect(out.error.codeErrors[0]?.location.line).toBe(2);
  });
});
