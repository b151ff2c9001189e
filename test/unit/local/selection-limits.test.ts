// Fragment expansion and the request budgets, on documents fast-check builds: the linear walks agree
// with naive expansion where naive expansion is affordable, and stay fast where it is not.
import fc from 'fast-check';
import { Kind, Lexer, parse, Source, TokenKind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { budgetError, countTokens, DEFAULT_LIMITS, operationCost, parseWithinBudget, selectedOperation } from '../../../local/appsync/limits.ts';
import { selectionSetList } from '../../../local/appsync/selection.ts';

/** The unoptimised expansion the old code did: every spread re-expanded. Reference only, small inputs. */
function naiveList(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, prefix = ''): string[] {
  if (!set) return [];
  const out: string[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      const name = s.alias?.value ?? s.name.value;
      if (name.startsWith('__')) continue;
      const path = prefix ? `${prefix}/${name}` : name;
      out.push(path, ...naiveList(s.selectionSet, fragments, path));
    } else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...naiveList(s.selectionSet, fragments, prefix));
    else out.push(...naiveList(fragments[s.name.value]?.selectionSet, fragments, prefix));
  }
  return [...new Set(out)];
}

function naiveCount(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>): { fields: number; aliases: number } {
  const total = { fields: 0, aliases: 0 };
  for (const s of set?.selections ?? []) {
    const part =
      s.kind === Kind.FIELD
        ? (() => {
            const inner = naiveCount(s.selectionSet, fragments);
            return { fields: inner.fields + 1, aliases: inner.aliases + (s.alias ? 1 : 0) };
          })()
        : naiveCount(s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : fragments[s.name.value]?.selectionSet, fragments);
    total.fields += part.fields;
    total.aliases += part.aliases;
  }
  return total;
}

function fragmentsOf(query: string) {
  const doc = parse(query);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return { doc, fragments, operation: selectedOperation(doc, undefined)! };
}

/** A fragment DAG: fragment i holds some fields (some aliased, some nested) and spreads of fragments j > i. */
const fragmentDag = fc
  .integer({ min: 1, max: 6 })
  .chain((n) =>
    fc.array(
      fc.record({
        fields: fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'c'), alias: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }), nested: fc.boolean() }), { maxLength: 3 }),
        spreads: fc.array(fc.nat(), { maxLength: 3 }),
      }),
      { minLength: n, maxLength: n },
    ),
  )
  .map((frags) => {
    const body = (i: number) => {
      const f = frags[i]!;
      const parts = f.fields.map((x) => `${x.alias ? `${x.alias}: ` : ''}${x.name}${x.nested ? ` { d ...F${i + 1 < frags.length ? i + 1 : i} }` : ''}`);
      for (const s of f.spreads) if (i + 1 < frags.length) parts.push(`...F${i + 1 + (s % (frags.length - i - 1))}`);
      return parts.length ? parts.join(' ') : 'e';
    };
    // A nested field may spread its own fragment (F_i inside F_i) only at the last index; avoid cycles.
    const text = frags.map((_, i) => `fragment F${i} on T { ${body(i).replace(new RegExp(`\\.\\.\\.F${i}(?!\\d)`, 'g'), 'e')} }`).join('\n');
    return `query { root { ...F0 } }\n${text}`;
  });

describe('fragment expansion', () => {
  it('selectionSetList equals naive expansion on random fragment DAGs', () => {
    fc.assert(
      fc.property(fragmentDag, (query) => {
        const { fragments, operation } = fragmentsOf(query);
        const root = operation.selectionSet.selections[0]!;
        const set = root.kind === Kind.FIELD ? root.selectionSet : undefined;
        expect(selectionSetList(set, fragments)).toEqual(naiveList(set, fragments));
      }),
      { numRuns: 200, seed: 13 },
    );
  });

  it('operationCost counts fields and aliases as naive expansion would, without expanding', () => {
    fc.assert(
      fc.property(fragmentDag, (query) => {
        const { doc, fragments, operation } = fragmentsOf(query);
        const cost = operationCost(doc, operation, new Set(['root']));
        expect({ fields: cost.fields, aliases: cost.aliases }).toEqual(naiveCount(operation.selectionSet, fragments));
        expect(cost.resolverFields).toBe(1);
      }),
      { numRuns: 200, seed: 13 },
    );
  });

  it('a chain of n fragments each spreading the next twice is measured and listed in linear time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 400 }), (n) => {
        let query = 'query { root { ...F0 } }\n';
        for (let i = 0; i < n; i += 1) query += `fragment F${i} on T { ${i === n - 1 ? 'id' : `...F${i + 1} ...F${i + 1}`} }\n`;
        const { doc, fragments, operation } = fragmentsOf(query);
        const started = performance.now();
        const cost = operationCost(doc, operation, new Set(['root']));
        const root = operation.selectionSet.selections[0]!;
        const list = selectionSetList(root.kind === Kind.FIELD ? root.selectionSet : undefined, fragments);
        // Linear: well under a second even at 400 links (2^399 fields expanded); the old walk never finished.
        expect(performance.now() - started).toBeLessThan(250);
        expect(list).toEqual(['id']);
        expect(cost.fields).toBe(1 + 2 ** (n - 1));
        expect(budgetError(cost, 0, DEFAULT_LIMITS)?.errorType).toBe('LocalLimitExceeded');
      }),
      { numRuns: 30, seed: 13 },
    );
  });
});

describe('budgets', () => {
  it('counts aliases and resolver fields at the top level, through fragments spread once per level', () => {
    const { doc, operation } = fragmentsOf('query { a: root b: root ...R ...R other } fragment R on Query { c: root }');
    const cost = operationCost(doc, operation, new Set(['root']));
    expect(cost.aliases).toBe(4);
    expect(cost.resolverFields).toBe(3);
    expect(budgetError(cost, 100, { ...DEFAULT_LIMITS, maxResolverContextBytes: 299 })?.message).toMatch(/3 resolver fields would each copy 100 bytes/);
    expect(budgetError(cost, 100, { ...DEFAULT_LIMITS, maxResolverContextBytes: 300 })).toBeNull();
    expect(budgetError(cost, 0, { ...DEFAULT_LIMITS, maxAliases: 3 })?.message).toMatch(/4 aliased fields, over the local runtime's budget of 3/);
  });
});

describe('token budget', () => {
  const lexerCount = (q: string) => {
    const lexer = new Lexer(new Source(q));
    let n = 0;
    while (lexer.advance().kind !== TokenKind.EOF) n += 1;
    return n;
  };
  const token = fc.oneof(
    fc.constantFrom('{', '}', '(', ')', '[', ']', ':', '=', '@', '$', '!', '|', '&', '...', 'query', 'on', '_x9', 'true'),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d)),
    fc.string({ unit: fc.constantFrom('a', ' ', '"', '\\', '#', 'é', '}') }).map((t) => JSON.stringify(t)),
    fc.string({ unit: fc.constantFrom('a', ' ', '"', '\n', '{') }).filter((t) => !t.includes('"""') && !t.endsWith('"')).map((t) => `"""${t}"""`),
  );
  const separator = fc.constantFrom(' ', ',', '\n', '\t', ' # note\n');

  it('the quick count equals graphql-js lexing on random token streams', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(token, separator), { maxLength: 40 }), (parts) => {
        const text = parts.map(([t, sep]) => t + sep).join('');
        expect(countTokens(text, 1e9)).toBe(lexerCount(text));
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('refuses a document over the budget before parsing it, and parses one within', () => {
    const many = `query { ${Array.from({ length: 600 }, (_, i) => `a${i}: f`).join(' ')} }`; // 1,803 tokens
    expect(parseWithinBudget(many, { maxTokens: 1_802 })).toMatchObject({ errorType: 'LocalLimitExceeded' });
    expect(parseWithinBudget(many, { maxTokens: 1_803 })).toHaveProperty('kind', Kind.DOCUMENT);
  });
});
