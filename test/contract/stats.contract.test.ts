// CONTRACT.md, "Statistics input and output": the example input, verbatim, goes through the engine
// and the CLI; the output has exactly the example output's shape, and every number is finite or
// null and survives a JSON round trip unchanged.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { statsCommand } from '../../cli/stats.ts';
import { analyze, type StatsInput } from '../../lambdas/domain/stats/analyze.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const input = fixture('stats-contract-input.json') as StatsInput;
/** The contract's example output (values are placeholders; the shape is the contract). */
const shape = fixture('stats-contract-output-shape.json') as Record<string, unknown>;

type Kind = 'number|null' | 'boolean' | 'string' | 'interval|null' | 'object' | 'array';

/** Every path in the example, with the kind of value it holds. Arrays of objects: element [*]. */
function paths(value: unknown, at = '$', out = new Map<string, Kind>()): Map<string, Kind> {
  if (typeof value === 'number') out.set(at, 'number|null');
  else if (typeof value === 'boolean') out.set(at, 'boolean');
  else if (typeof value === 'string') out.set(at, 'string');
  else if (Array.isArray(value)) {
    if (value.length === 2 && value.every((v) => typeof v === 'number')) out.set(at, 'interval|null');
    else {
      out.set(at, 'array');
      for (const v of value) paths(v, `${at}[*]`, out);
    }
  } else if (value && typeof value === 'object') {
    out.set(at, 'object');
    for (const [k, v] of Object.entries(value)) paths(v, `${at}.${k}`, out);
  }
  return out;
}

function conforms(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'number|null':
      return value === null || (typeof value === 'number' && Number.isFinite(value));
    case 'interval|null':
      return value === null || (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v)) && value[0] <= value[1]);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
  }
}

/** Checks `value` against the example's paths; objects that the contract allows to be null (the control's vsControl) may be null. */
function check(value: unknown, expected: Map<string, Kind>, at = '$', problems: string[] = []): string[] {
  const kind = expected.get(at);
  if (kind === undefined) {
    problems.push(`${at}: not in the contract`);
    return problems;
  }
  if (kind === 'object' && value === null && at.endsWith('.vsControl')) return problems;
  if (!conforms(value, kind)) {
    problems.push(`${at}: expected ${kind}, got ${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`);
    return problems;
  }
  if (kind === 'array') (value as unknown[]).forEach((v) => check(v, expected, `${at}[*]`, problems));
  if (kind === 'object') {
    const keys = Object.keys(value as object);
    const wanted = [...expected.keys()].filter((p) => p.startsWith(`${at}.`) && !p.slice(at.length + 1).includes('.') && !p.slice(at.length + 1).includes('['));
    for (const p of wanted) if (!keys.includes(p.slice(at.length + 1))) problems.push(`${p}: missing`);
    for (const k of keys) check((value as Record<string, unknown>)[k], expected, `${at}.${k}`, problems);
  }
  return problems;
}

describe('stats contract (CONTRACT.md example)', () => {
  const expected = paths(shape);
  const output = analyze(input);

  it('has exactly the contract’s fields and kinds, every number finite or null', () => {
    expect(check(output, expected)).toEqual([]);
  });

  it('the shape check itself catches a missing field, an extra field, a NaN and a non-interval', () => {
    const broken = structuredClone(output) as unknown as { srm: Record<string, unknown>; variants: { vsControl: Record<string, unknown> | null }[] };
    delete broken.srm.pValue;
    broken.srm.extra = 1;
    broken.variants[1]!.vsControl!.pValue = NaN;
    broken.variants[1]!.vsControl!.relativeLiftCi = [2, 1];
    expect(check(broken, expected)).toEqual([
      '$.srm.pValue: missing',
      '$.srm.extra: not in the contract',
      '$.variants[*].vsControl.relativeLiftCi: expected interval|null, got [2,1]',
      '$.variants[*].vsControl.pValue: expected number|null, got "NaN"',
    ]);
  });

  it('round-trips through JSON unchanged (no NaN, Infinity or undefined)', () => {
    expect(JSON.parse(JSON.stringify(output))).toEqual(output);
  });

  it('lists the control with vsControl null, and the variant with every statistic defined', () => {
    const [a, b] = output.variants;
    expect(a).toMatchObject({ key: 'A', users: 1000, conversions: 100, rate: 0.1, vsControl: null });
    expect(b!.key).toBe('B');
    expect(Object.values(b!.vsControl!).every((v) => v !== null)).toBe(true);
    expect(output.metrics[0]!.variants.map((v) => [v.key, v.vsControl === null])).toEqual([
      ['A', true],
      ['B', false],
    ]);
  });

  it('is what `splitloop stats` prints for the same input on stdin', async () => {
    let stdout = '';
    const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true } };
    const code = await statsCommand([], Readable.from([JSON.stringify(input)]), io);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(output);
    expect(stdout).toBe(`${JSON.stringify(output, null, 2)}\n`);
  });
});
