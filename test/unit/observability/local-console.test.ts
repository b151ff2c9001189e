// Outside Lambda (the local runtime, tests) the same log records go to the console indented, at WARN
// and above by default, and no EMF line is written.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

const saved = { ...process.env };
const out: string[] = [];

beforeAll(() => {
  for (const k of ['AWS_LAMBDA_FUNCTION_NAME', 'POWERTOOLS_DEV', 'POWERTOOLS_LOG_LEVEL', 'LOG_LEVEL', 'POWERTOOLS_METRICS_DISABLED']) delete process.env[k];
  process.env.TABLE_NAME = 'splitloop-test';
  vi.resetModules();
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void out.push(args.map(String).join(' ')));
  }
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => void out.push(String(chunk))) as never);
});

afterAll(() => {
  vi.restoreAllMocks();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

it('prints an internal error readably (indented JSON with field and request id), skips INFO, writes no EMF', async () => {
  const { handler } = (await import('../../../lambdas/assign/handler.ts')) as { handler: (e: unknown, c?: unknown) => Promise<unknown> };
  const event = (args: Record<string, unknown>) => ({
    arguments: args,
    identity: null,
    source: null,
    request: { headers: {}, domainName: null },
    info: { fieldName: 'assign', parentTypeName: 'Mutation', variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
    prev: null,
    stash: {},
  });
  await handler(event({}), { awsRequestId: 'local-1', functionName: 'assign' }); // a client error: INFO, not shown
  expect(out).toEqual([]);
  delete process.env.TABLE_NAME; // the handler's context cannot be built: an unexpected failure
  await handler(event({ experimentId: 'e1', userId: 'u1' }), { awsRequestId: 'local-2', functionName: 'assign' });
  expect(out).toHaveLength(1);
  expect(out[0]).toContain('\n    "level": "ERROR"');
  expect(JSON.parse(out[0]!)).toMatchObject({ field: 'Mutation.assign', function_request_id: 'local-2', message: 'Mutation.assign failed' });
  expect(out.join('')).not.toContain('_aws');
});
