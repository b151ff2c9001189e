// The evaluator as a sandbox for untrusted resolver code: no way back to the host's objects,
// nothing carried from one request to the next, and an allocation loop ends only its own request.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../local/appsync/js/evaluator.ts';

const run = async (body: string, ctx = {}) => (await evaluate(`import { util } from '@aws-appsync/utils';\nexport function request(ctx) {\n${body}\n}\n`, 'request', ctx)).outcome;

describe('sandbox: no host objects', () => {
  it.each([
    ["globalThis.constructor.constructor('return process')()"],
    ["util.constructor.constructor('return process')()"],
    ["util.time.nowISO8601.constructor('return process')()"],
    ["ctx.constructor.constructor('return process')()"],
    ["Object.getPrototypeOf(globalThis).constructor.constructor('return this')()"],
  ])('%s returns no host object', async (expression) => {
    const outcome = await run(`  return typeof (${expression});`);
    // Every Function constructor in reach belongs to the context, where code generation is off.
    expect(outcome).toMatchObject({ kind: 'error', error: { source: 'runtime', message: expect.stringMatching(/^EvalError: Code generation from strings disallowed/) } });
  });

  it('leaves nothing of the host on the global object', async () => {
    const outcome = await run(
      "  return Object.getOwnPropertyNames(globalThis).filter((k) => /process|require|^Buffer$|appsync|host|WeakRef|Atomics/i.test(k));",
    );
    expect(outcome).toEqual({ kind: 'value', value: [] });
  });
});

describe('sandbox: nothing shared between requests', () => {
  const code = (body: string) => `export function request(ctx) {\n${body}\n}\n`;

  it('a global set by one request is absent in the next (same script, same context pool)', async () => {
    const script = code(
      "  const seen = [typeof globalThis.leak, typeof globalThis.leak2];\n  globalThis.leak = ctx.args.secret;\n  Object.defineProperty(globalThis, 'leak2', { value: ctx.args.secret });\n  return seen;",
    );
    expect((await evaluate(script, 'request', { arguments: { secret: 'user-a' } })).outcome).toEqual({ kind: 'value', value: ['undefined', 'undefined'] });
    expect((await evaluate(script, 'request', { arguments: { secret: 'user-b' } })).outcome).toEqual({ kind: 'value', value: ['undefined', 'undefined'] });
  });

  it('built-ins and util cannot be changed for later requests', async () => {
    const script = code(
      "  const before = [[1, 2].map((x) => x * 2).join(), typeof JSON.stringify, typeof util];\n  globalThis.JSON = null;\n  globalThis.util = null;\n  return before;",
    );
    const first = await evaluate(script, 'request', {});
    const second = await evaluate(script, 'request', {});
    // The global bindings cannot be replaced; assignments to a frozen built-in throw.
    expect(first.outcome).toEqual({ kind: 'value', value: ['2,4', 'function', 'object'] });
    expect(second.outcome).toEqual(first.outcome);
    const mutate = await evaluate(code("  Array.prototype.map = () => 'evil';\n  return 1;"), 'request', {});
    expect(mutate.outcome).toMatchObject({ kind: 'error', error: { message: expect.stringMatching(/^TypeError: Cannot assign to read only property 'map'/) } });
    const utilMutate = await evaluate(`import { util } from '@aws-appsync/utils';\n${code("  util.autoId = () => 'fixed';\n  return 1;")}`, 'request', {});
    expect(utilMutate.outcome).toMatchObject({ kind: 'error', error: { message: expect.stringMatching(/^TypeError: Cannot assign to read only property 'autoId'/) } });
  });

  it('still lets a handler shadow inherited names on its own objects (err.name, obj.toString)', async () => {
    const outcome = await run("  const e = new Error('x');\n  e.name = 'Mine';\n  const o = {};\n  o.toString = () => 'mine';\n  return [String(e), String(o)];");
    expect(outcome).toEqual({ kind: 'value', value: ['Mine: x', 'mine'] });
  });
});

describe('sandbox: limits end the request, not the process', () => {
  it('ends an allocation loop with a memory error, and the next request is served', async () => {
    const started = Date.now();
    const hog = await evaluate('export function request(ctx) {\n  const keep = [];\n  for (;;) keep.push(new Array(1000000).fill(keep.length));\n}\n', 'request', {}, { timeoutMs: 20_000 });
    expect(hog.outcome).toMatchObject({ kind: 'error', error: { source: 'memory', message: expect.stringMatching(/more than \d+ MB of memory/) } });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await run('  return 1 + 1;')).toEqual({ kind: 'value', value: 2 });
  });

  it('serves other requests while one handler is stuck in a loop', async () => {
    const order: string[] = [];
    const stuck = evaluate('export function request(ctx) {\n  for (;;) {}\n}\n', 'request', {}, { timeoutMs: 4000 }).then((r) => {
      order.push('stuck');
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(await run('  return 3;')).toEqual({ kind: 'value', value: 3 });
    order.push('other');
    expect((await stuck).outcome).toMatchObject({ kind: 'error', error: { source: 'timeout' } });
    expect(order).toEqual(['other', 'stuck']);
  });
});
