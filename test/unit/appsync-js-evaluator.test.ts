// The APPSYNC_JS evaluator as the local AppSync host uses it: sandboxing, caching, limits and
// what a handler leaves behind (stash, appended errors, logs, extension calls).
import { describe, expect, it } from 'vitest';
import { compiledScriptCount, evaluate, messageStats } from '../../local/appsync/js/evaluator.ts';

const handler = (body: string, imports = "import { util, runtime, extensions } from '@aws-appsync/utils';") =>
  `${imports}\n\nexport function request(ctx) {\n${body}\n}\n\nexport function response(ctx) {\n  return ctx.result;\n}\n`;

describe('evaluate: compilation cache', () => {
  it('compiles a given code once and reuses it', async () => {
    const code = handler(`  return { n: ctx.args.n, nonce: ${Math.random()} };`);
    const before = compiledScriptCount();
    const first = await evaluate(code, 'request', { arguments: { n: 1 } });
    const second = await evaluate(code, 'request', { arguments: { n: 2 } });
    expect(compiledScriptCount()).toBe(before + 1);
    expect(first.outcome).toMatchObject({ kind: 'value', value: { n: 1 } });
    expect(second.outcome).toMatchObject({ kind: 'value', value: { n: 2 } });
    await evaluate(handler(`  return ${Math.random()};`), 'request', {});
    expect(compiledScriptCount()).toBe(before + 2);
  });

  it('runs every evaluation on a fresh module instance: module state does not carry over', async () => {
    const code = `let calls = 0;\nexport function request(ctx) {\n  calls = calls + 1;\n  return calls;\n}\n`;
    expect((await evaluate(code, 'request', {})).outcome).toEqual({ kind: 'value', value: 1 });
    expect((await evaluate(code, 'request', {})).outcome).toEqual({ kind: 'value', value: 1 });
  });
});

describe('evaluate: limits and sandbox', () => {
  it('stops an endless loop after the wall-clock limit (the watchdog), and the next evaluation runs', async () => {
    const code = handler(`  console.log('start');\n  for (const i of new Array(2 ** 32 - 1).keys()) {\n    ctx.stash.last = i;\n  }\n  return 'never';`);
    const started = Date.now();
    const run = await evaluate(code, 'request', {}, { timeoutMs: 150 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(run.outcome).toEqual({
      kind: 'error',
      error: { message: 'Execution timed out after 150 ms', errorType: null, data: null, errorInfo: null, source: 'timeout' },
    });
    // The worker that ran it was ended, and with it the lines logged before the loop.
    expect(run.logs).toEqual([]);
    expect((await evaluate(handler('  return 7;'), 'request', {})).outcome).toEqual({ kind: 'value', value: 7 });
  });

  it('the watchdog blames only the looping evaluation when it shares a batched message with quick ones', async () => {
    const loop = handler(`  for (const i of new Array(2 ** 32 - 1).keys()) {\n    ctx.stash.last = i;\n  }\n  return 'never';`);
    const quick = handler('  return ctx.args.n * 2;');
    await evaluate(quick, 'request', { arguments: { n: 0 } }); // a warm worker, so all below go out in one turn
    // sent in one turn of the event loop: they travel to the workers as batches
    const before = { ...messageStats };
    const runs = await Promise.all([
      evaluate(quick, 'request', { arguments: { n: 1 } }),
      evaluate(loop, 'request', {}, { timeoutMs: 150 }),
      ...[2, 3, 4, 5].map((n) => evaluate(quick, 'request', { arguments: { n } })),
    ]);
    expect(runs.map((r) => r.outcome)).toEqual([
      { kind: 'value', value: 2 },
      { kind: 'error', error: { message: 'Execution timed out after 150 ms', errorType: null, data: null, errorInfo: null, source: 'timeout' } },
      ...[4, 6, 8, 10].map((value) => ({ kind: 'value', value })),
    ]);
    // fewer messages than evaluations: some went together (the re-sent ones after the loop included)
    expect(messageStats.messages - before.messages).toBeLessThan(messageStats.evaluations - before.evaluations);
  });

  it('never runs promise callbacks (APPSYNC_JS has no promises), so an endless one cannot hang a later request', async () => {
    const code = handler('  Promise.resolve().then(() => {\n    for (const i of new Array(2 ** 32 - 1).keys()) ctx.stash.i = i;\n  });\n  return 1;');
    expect((await evaluate(code, 'request', {}, { timeoutMs: 300 })).outcome).toEqual({ kind: 'value', value: 1 });
    expect((await evaluate(code, 'request', {}, { timeoutMs: 300 })).outcome).toEqual({ kind: 'value', value: 1 });
  });

  it('gives the code no process, require, timers or code generation', async () => {
    const code = handler(
      '  return [typeof process, typeof require, typeof setTimeout, typeof Buffer, typeof globalThis.__appsync_host__];',
    );
    expect((await evaluate(code, 'request', {})).outcome).toEqual({ kind: 'value', value: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined'] });
    const escape = handler("  return ({}).constructor.constructor('return process')();");
    const run = await evaluate(escape, 'request', {});
    expect(run.outcome.kind).toBe('error');
    if (run.outcome.kind === 'error') {
      expect(run.outcome.error.source).toBe('runtime');
      expect(run.outcome.error.message).toMatch(/^EvalError: Code generation from strings disallowed/);
    }
  });

  it('hands back plain data of the host realm, copied through JSON', async () => {
    const run = await evaluate(handler('  return { list: [1, { d: new Date(0) }], skip: undefined, f() {} };'), 'request', {});
    expect(run.outcome.kind).toBe('value');
    const value = (run.outcome as { value: { list: unknown[] } }).value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Array.isArray(value.list)).toBe(true);
    expect(value).toEqual({ list: [1, { d: '1970-01-01T00:00:00.000Z' }] });
  });

  it('rejects async handlers, missing exports and unknown modules as runtime errors', async () => {
    const asyncRun = await evaluate('export async function request(ctx) { return 1; }', 'request', {});
    expect(asyncRun.outcome).toMatchObject({ kind: 'error', error: { source: 'runtime', message: expect.stringContaining('must not be async') } });
    const missing = await evaluate('export function request(ctx) { return 1; }', 'response', {});
    expect(missing.outcome).toMatchObject({ kind: 'error', error: { message: 'TypeError: the code does not export a function named "response"' } });
    const unknown = await evaluate("import _ from 'lodash';\nexport function request(ctx) { return 1; }", 'request', {});
    expect(unknown.outcome).toMatchObject({ kind: 'error', error: { message: expect.stringContaining("Cannot find module 'lodash'") } });
  });

  it('reports code that does not parse with its location', async () => {
    const run = await evaluate('export function request(ctx) {\n  return {;\n}', 'request', { stash: { kept: true } });
    expect(run.outcome.kind).toBe('error');
    if (run.outcome.kind !== 'error') return;
    expect(run.outcome.error.source).toBe('compile');
    expect(run.outcome.error.codeErrors?.[0]).toMatchObject({ errorType: 'PARSER_ERROR', location: { line: 2 } });
    expect(run.stash).toEqual({ kept: true });
  });
});

describe('evaluate: context and results', () => {
  it('aliases ctx.args to ctx.arguments and returns the mutated stash', async () => {
    const code = handler('  ctx.args.added = 1;\n  ctx.stash.seen = ctx.arguments.added;\n  ctx.stash.list.push(2);\n  return null;');
    const input = { arguments: { id: 'x' }, stash: { list: [1] } };
    const run = await evaluate(code, 'request', input);
    expect(run.outcome).toEqual({ kind: 'value', value: null });
    expect(run.stash).toEqual({ list: [1, 2], seen: 1 });
    expect(input.stash).toEqual({ list: [1] }); // the caller's object is untouched; it takes run.stash
  });

  it('turns util.error into an aborting error with all four fields, after appended errors', async () => {
    const code = handler("  util.appendError('soft', 'Warn', { a: 1 });\n  util.error('hard', 'Boom', { d: 1 }, { i: 2 });\n  return 'unreached';");
    const run = await evaluate(code, 'request', {});
    expect(run.outcome).toEqual({ kind: 'error', error: { message: 'hard', errorType: 'Boom', data: { d: 1 }, errorInfo: { i: 2 }, source: 'util.error' } });
    expect(run.appendedErrors).toEqual([{ message: 'soft', errorType: 'Warn', data: { a: 1 }, errorInfo: null }]);
  });

  it('reports util.unauthorized with errorType Unauthorized and the field', async () => {
    const info = { fieldName: 'results', parentTypeName: 'Query', variables: {}, selectionSetList: [], selectionSetGraphQL: '' };
    const run = await evaluate(handler('  util.unauthorized();'), 'request', { info });
    expect(run.outcome).toEqual({
      kind: 'error',
      error: { message: 'Not Authorized to access results on type Query', errorType: 'Unauthorized', data: null, errorInfo: null, source: 'unauthorized' },
    });
  });

  it('returns runtime.earlyReturn with its skipTo option', async () => {
    const run = await evaluate(handler("  runtime.earlyReturn({ cached: true }, { skipTo: 'NEXT' });"), 'request', {});
    expect(run.outcome).toEqual({ kind: 'earlyReturn', value: { cached: true }, skipTo: 'NEXT' });
  });

  it('answers util.authType from the auth mode the host passes', async () => {
    const code = handler('  return util.authType();');
    expect((await evaluate(code, 'request', { authType: 'AWS_IAM', identity: null })).outcome).toEqual({ kind: 'value', value: 'IAM Authorization' });
    expect((await evaluate(code, 'request', { authType: 'AWS_LAMBDA' })).outcome).toEqual({ kind: 'value', value: 'Lambda Authorization' });
    expect((await evaluate(code, 'request', { identity: null })).outcome).toEqual({ kind: 'value', value: 'API Key Authorization' });
  });

  it('records extension calls and response headers for the host', async () => {
    const code = handler(
      [
        "  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ id: { eq: 'e1' } }));",
        "  extensions.setSubscriptionInvalidationFilter({ filterGroup: [] });",
        "  extensions.invalidateSubscriptions({ subscriptionField: 'onCountsChanged', payload: { id: 'e1' } });",
        "  extensions.evictFromApiCache('Query', 'experiment', { 'context.arguments.id': 'e1' });",
        "  util.http.addResponseHeader('x-count', 3);",
        '  return true;',
      ].join('\n'),
    );
    const run = await evaluate(code, 'request', {});
    expect(run.extensions).toEqual({
      subscriptionFilter: { filterGroup: [{ filters: [{ fieldName: 'id', operator: 'eq', value: 'e1' }] }] },
      subscriptionInvalidationFilter: { filterGroup: [] },
      invalidateSubscriptions: [{ subscriptionField: 'onCountsChanged', payload: { id: 'e1' } }],
      evictFromApiCache: [{ typeName: 'Query', fieldName: 'experiment', keys: { 'context.arguments.id': 'e1' } }],
      responseHeaders: { 'x-count': 3 },
    });
    expect((await evaluate(handler('  return 1;'), 'request', {})).extensions).toEqual({});
  });

  it('writes log lines with the level and the position of the call in the submitted code', async () => {
    const code = "import { util } from '@aws-appsync/utils';\n\nexport function request(ctx) {\n    console.log('a', 1, { b: [true] });\n  util.log.error('e');\n  return null;\n}\n";
    expect((await evaluate(code, 'request', {}, { scriptName: 'Query.results.js' })).logs).toEqual([
      'INFO - Query.results.js:4:5: "a" 1 {"b":[true]}',
      'ERROR - Query.results.js:5:3: "e"',
    ]);
  });
});
