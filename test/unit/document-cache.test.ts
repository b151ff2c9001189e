// The parsed-and-validated document cache of the local runtime: a repeated query is parsed once,
// and a hot query stays cached while many one-off queries pass through (least recently used out).
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DocumentCache } from '../../local/appsync/document-cache.ts';
import { createExecutor } from '../../local/appsync/execute.ts';

describe('DocumentCache', () => {
  it('keeps a hot entry while more than its capacity of other entries pass by', () => {
    const cache = new DocumentCache<number>(3);
    cache.set('hot', 1);
    for (let i = 0; i < 10; i += 1) {
      expect(cache.get('hot')).toBe(1);
      cache.set(`cold ${i}`, i);
    }
    expect(cache.size).toBe(3);
    expect(cache.get('cold 0')).toBeUndefined(); // the least recently used went first
    expect(cache.get('cold 9')).toBe(9);
    expect(cache.hits).toBe(11);
  });
});

describe('executor document cache', () => {
  it('parses and validates a repeated query once, and never caches an invalid one', async () => {
    const schema = buildSchema('type Query { hello: String }');
    const run = createExecutor({ schema, resolvers: [], runtime: {} as never, env: {} });
    const caller = { identity: null, authType: 'API_KEY', allowed: () => true };
    for (let i = 0; i < 3; i += 1) expect(await run({ query: '{ hello }' }, caller, {})).toEqual({ data: { hello: null } });
    expect([run.documents.misses, run.documents.hits, run.documents.size]).toEqual([1, 2, 1]);
    const bad = await run({ query: '{ nope }' }, caller, {});
    expect(bad.errors?.[0]?.errorType).toBe('ValidationError');
    expect(run.documents.size).toBe(1);
  });
});
