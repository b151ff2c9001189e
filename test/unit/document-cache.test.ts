// The parsed-and-validated document cache of the local runtime: a repeated query is parsed once,
// and a hot query stays cached while many one-off queries pass through (least recently used out);
// a query that differs from a validated one only in literal values or aliases skips the
// shape-only validation rules, and still gets exactly full validation's errors.
import fc from 'fast-check';
import { buildSchema, parse, specifiedRules } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DocumentCache } from '../../local/appsync/document-cache.ts';
import { LITERAL_RULES, SHAPE_ONLY_RULES, shapeKey } from '../../local/appsync/document-shape.ts';
import { createExecutor } from '../../local/appsync/execute.ts';
import { installAppSyncScalars } from '../../local/appsync/scalars.ts';

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

describe('executor shape cache (literal values and aliases lifted out)', () => {
  const sdl = `
    scalar AWSEmail
    scalar AWSDateTime
    enum Color { RED GREEN }
    input Filter { email: AWSEmail!, after: AWSDateTime, n: Int }
    type Note { id: ID, title: String }
    type Query { note(id: ID, n: Int, f: Float, email: AWSEmail, at: AWSDateTime, color: Color, filter: Filter): Note }`;
  const schema = buildSchema(sdl);
  installAppSyncScalars(schema);
  const caller = { identity: null, authType: 'API_KEY', allowed: () => true };
  const executor = () => createExecutor({ schema, resolvers: [], runtime: {} as never, env: {} });
  const base = (lit: { alias?: string; id?: string; n?: string; email?: string; at?: string; other?: string }) =>
    `{ ${lit.alias ?? 'a'}: note(id: ${lit.id ?? '"x"'}, n: ${lit.n ?? '1'}, email: ${lit.email ?? '"a@b.co"'}, filter: { email: ${lit.email ?? '"a@b.co"'}, after: ${lit.at ?? '"2024-01-01T00:00:00Z"'} }) { id } ` +
    `b: note(id: ${lit.other ?? '"y"'}) { title } }`;

  it('validates a shape once: queries that differ in literals or aliases run LITERAL_RULES only, one-off texts are not kept', async () => {
    const run = executor();
    expect(await run({ query: base({}) }, caller, {})).toEqual({ data: { a: null, b: null } });
    for (let i = 0; i < 20; i += 1) {
      const query = base({ alias: `r${i}`, id: `"n${i}"`, n: String(i), email: `"u${i}@example.com"` });
      expect(await run({ query }, caller, {})).toEqual({ data: { [`r${i}`]: null, b: null } });
    }
    expect([run.shapes.size, run.shapes.hits]).toEqual([1, 20]);
    expect(run.documents.size).toBe(1); // the 20 one-off texts were not kept
    // a text seen twice is kept by its text: the third time is a text-cache hit
    const again = base({ id: '"again"' });
    for (let i = 0; i < 3; i += 1) await run({ query: again }, caller, {});
    expect(run.documents.size).toBe(2);
    expect(run.shapes.hits).toBe(22);
  });

  it('keeps the literal-dependent checks: invalid scalars, overflowing ints and conflicting aliases error exactly as full validation', async () => {
    const variants = [
      base({ email: '"not-an-email"' }),
      base({ at: '"yesterday"' }),
      base({ n: '99999999999' }),
      base({ n: '"1"' }),
      base({ id: '1.5' }),
      base({ alias: 'b' }), // same response name as the second field, different arguments
      base({ alias: 'b', id: '"y"', n: 'null', email: 'null' }).replace('filter: { email: null, after: "2024-01-01T00:00:00Z" }', 'filter: null'),
    ];
    const warm = executor();
    await warm({ query: base({}) }, caller, {});
    for (const query of variants) {
      const cold = await executor()({ query }, caller, {}); // full validation: every rule
      const viaShape = await warm({ query }, caller, {});
      expect(viaShape).toEqual(cold);
    }
    const errors = await Promise.all(variants.map(async (query) => (await executor()({ query }, caller, {})).errors?.map((e) => e.message)));
    expect(errors.slice(0, 6).every((e) => e && e.length > 0)).toBe(true); // each variant is invalid
    expect(errors[0]?.[0]).toContain('Invalid AWSEmail value: "not-an-email"');
    expect(errors[5]?.[0]).toContain('Fields "b" conflict');
  });

  it('gives full validation\'s answer for random literals (seeded)', async () => {
    const warm = executor();
    await warm({ query: base({}) }, caller, {});
    const str = fc.oneof(fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)), fc.constantFrom('"a@b.co"', '"x@y"', '"2024-01-01T00:00:00Z"', '"2024-13-01T00:00:00Z"'));
    const int = fc.oneof(fc.integer().map(String), fc.constantFrom('2147483648', '-2147483649'));
    const sameKinds = fc.record({ id: str, n: int, email: str, at: str, other: str, alias: fc.constantFrom('a', 'b', 'c') });
    const other = fc.oneof(str, int, fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Number.isInteger(d) ? `${d}.5` : String(d))), fc.constant('null'));
    const anyKinds = fc.record({ id: other, n: other, email: other, at: other, other: other, alias: fc.constantFrom('a', 'b') });
    await fc.assert(
      fc.asyncProperty(fc.oneof({ arbitrary: sameKinds, weight: 4 }, { arbitrary: anyKinds, weight: 1 }), async (lit) => {
        const query = base(lit);
        const cold = await executor()({ query }, caller, {});
        expect(await warm({ query }, caller, {})).toEqual(cold);
      }),
      { seed: 16, numRuns: 150 },
    );
    expect(warm.shapes.hits).toBeGreaterThan(80); // most runs took the shape path
  });

  it('reasons about every rule graphql-js specifies: each is shape-only or in LITERAL_RULES', () => {
    expect(specifiedRules.map((r) => r.name).sort()).toEqual([...SHAPE_ONLY_RULES, ...LITERAL_RULES.map((r) => r.name)].sort());
  });

  it('tells shapes apart by everything but literal values and alias names', () => {
    const key = (q: string) => shapeKey(parse(q));
    expect(key('{ a: note(id: "1") { id } }')).toBe(key('{ zz: note(id: "2") { id } }'));
    expect(key('{ note(id: "1") { id } }')).not.toBe(key('{ a: note(id: "1") { id } }')); // alias or not
    expect(key('{ note(id: "1") { id } }')).not.toBe(key('{ note(id: 1) { id } }')); // String vs Int literal
    expect(key('{ note(color: RED) { id } }')).not.toBe(key('{ note(color: GREEN) { id } }')); // enum values kept
    expect(key('{ note(id: null) { id } }')).not.toBe(key('{ note(id: "x") { id } }'));
    expect(key('{ note(id: "1") { id } }')).not.toBe(key('{ note(id: "1") { title } }'));
    expect(key('query Q { note { id } }')).not.toBe(key('query R { note { id } }'));
  });
});
