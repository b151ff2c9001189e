// Request limits. Two of AppSync's own API settings (QueryDepthLimit, ResolverCountLimit: the
// manifest's `api` entry, set on the AWS API from the same values) are enforced during execution
// with AppSync's error shape. Local budgets on top (aliases, fields after fragment expansion, bytes
// of variables copied into resolver contexts) are checked before validation and execution, in time
// linear in the document: they exist because one process serves every client here, and a
// 1 KB document can otherwise ask for 2^26 fields or copy a 200 KB variable into a thousand resolvers.
import { GraphQLError, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { AppSyncErrorEntry } from './errors.ts';

export interface RequestLimits {
  /** AppSync's QueryDepthLimit: fields nested deeper resolve to an error. 0 = no limit (AppSync's default). */
  queryDepthLimit: number;
  /** AppSync's ResolverCountLimit: resolver invocations per request. 0 = AppSync's default, 10 000. */
  resolverCountLimit: number;
  /** Local: aliased fields per operation, counted after fragment expansion. */
  maxAliases: number;
  /** Local: fields per operation after fragment expansion (a fragment spread twice counts twice). */
  maxFields: number;
  /** Local: top-level resolver fields × bytes of variables (each resolver's context carries them). */
  maxResolverContextBytes: number;
  /** Local: lexical tokens per document; parsing stops there (graphql-js `maxTokens`). */
  maxTokens: number;
}

export const DEFAULT_LIMITS: RequestLimits = {
  queryDepthLimit: 0,
  resolverCountLimit: 0,
  maxAliases: 200,
  maxFields: 5_000,
  maxResolverContextBytes: 32 * 1024 * 1024,
  // A large hand-written or generated operation is a few thousand tokens; the introspection query ~400.
  maxTokens: 10_000,
};

/** AppSync's ceiling when ResolverCountLimit is 0 or unset. */
export const APPSYNC_MAX_RESOLVERS = 10_000;

export function resolverCeiling(limits: Pick<RequestLimits, 'resolverCountLimit'>): number {
  return limits.resolverCountLimit > 0 ? limits.resolverCountLimit : APPSYNC_MAX_RESOLVERS;
}

export interface OperationCost {
  fields: number;
  aliases: number;
  /** Top-level fields of the operation that have a resolver (with multiplicity). */
  resolverFields: number;
}

interface Count {
  fields: number;
  aliases: number;
}

/**
 * Sizes of an operation as if every fragment were inlined, computed once per fragment (memoized), so
 * the cost of measuring is linear in the document whatever the expansion would be. A fragment cycle
 * (rejected by validation later) counts as empty here.
 */
export function operationCost(document: DocumentNode, operation: OperationDefinitionNode, rootResolverFields: ReadonlySet<string>): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const memo = new Map<string, Count>();
  const inProgress = new Set<string>();

  function fragmentCount(name: string): Count {
    const known = memo.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return { fields: 0, aliases: 0 };
    inProgress.add(name);
    const count = selectionCount(fragment.selectionSet);
    inProgress.delete(name);
    memo.set(name, count);
    return count;
  }

  function selectionCount(selectionSet: SelectionSetNode | undefined): Count {
    const total: Count = { fields: 0, aliases: 0 };
    if (!selectionSet) return total;
    for (const selection of selectionSet.selections) {
      let part: Count;
      if (selection.kind === Kind.FIELD) {
        const inner = selectionCount(selection.selectionSet);
        part = { fields: inner.fields + 1, aliases: inner.aliases + (selection.alias ? 1 : 0) };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) part = selectionCount(selection.selectionSet);
      else part = fragmentCount(selection.name.value);
      total.fields += part.fields;
      total.aliases += part.aliases;
    }
    return total;
  }

  function rootResolvers(selectionSet: SelectionSetNode, seen: Set<string>): number {
    let n = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) n += rootResolverFields.has(selection.name.value) ? 1 : 0;
      else if (selection.kind === Kind.INLINE_FRAGMENT) n += rootResolvers(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        // Top-level spreads: collectFields expands each fragment once per level.
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) n += rootResolvers(fragment.selectionSet, seen);
      }
    }
    return n;
  }

  const count = selectionCount(operation.selectionSet);
  return { ...count, resolverFields: rootResolvers(operation.selectionSet, new Set()) };
}

export function selectedOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/** The first local budget an operation exceeds, as an error entry; null when within budget. */
export function budgetError(cost: OperationCost, variablesBytes: number, limits: RequestLimits): AppSyncErrorEntry | null {
  const over = (message: string): AppSyncErrorEntry => ({ path: null, data: null, errorType: 'LocalLimitExceeded', errorInfo: null, locations: null, message });
  if (cost.aliases > limits.maxAliases) {
    return over(`The operation has ${formatCount(cost.aliases)} aliased fields, over the local runtime's budget of ${limits.maxAliases}. Split it into several requests.`);
  }
  if (cost.fields > limits.maxFields) {
    return over(
      `The operation selects ${formatCount(cost.fields)} fields once its fragments are expanded, over the local runtime's budget of ${limits.maxFields}. ` +
        'Select fewer fields, or spread each fragment once.',
    );
  }
  if (cost.resolverFields * variablesBytes > limits.maxResolverContextBytes) {
    return over(
      `The operation's ${cost.resolverFields} resolver fields would each copy ${variablesBytes} bytes of variables into their context ` +
        `(${formatCount(cost.resolverFields * variablesBytes)} bytes, over the local runtime's budget of ${limits.maxResolverContextBytes}). ` +
        'Send fewer fields per request or smaller variables.',
    );
  }
  return null;
}

// GraphQL's lexical tokens, roughly: block strings, strings, comments (skipped), names, numbers, `...`
// and single punctuators. Counting with one sticky regex is ~30x cheaper than graphql-js's parse.
const TOKEN = /"{3}(?:\\"{3}|[^])*?"{3}|"(?:\\.|[^"\\\n])*"|#[^\n\r]*|[_A-Za-z][_0-9A-Za-z]*|-?\d[\d.eE+-]*|\.\.\.|[!$&():=@[\]{}|]|[\s,\ufeff]+|./gy;

/** How many tokens `query` has, stopping once past `max` (comments and separators are not tokens). */
export function countTokens(query: string, max: number): number {
  TOKEN.lastIndex = 0;
  let n = 0;
  let match: RegExpExecArray | null;
  while (n <= max && (match = TOKEN.exec(query)) !== null) {
    const c = match[0].charCodeAt(0);
    // whitespace, commas, BOM and comments are ignored tokens
    if (c !== 0x23 && !/^[\s,\ufeff]/.test(match[0])) n += 1;
  }
  return n;
}

/**
 * Parses within the token budget: a document over it is refused before graphql-js builds anything
 * (a quick count first, graphql-js's own `maxTokens` as the exact backstop). Other syntax errors are
 * thrown as GraphQLErrors.
 */
export function parseWithinBudget(query: string, limits: Pick<RequestLimits, 'maxTokens'>): DocumentNode | AppSyncErrorEntry {
  const over: AppSyncErrorEntry = {
    path: null,
    data: null,
    errorType: 'LocalLimitExceeded',
    errorInfo: null,
    locations: null,
    message: `The document has more than ${limits.maxTokens} tokens, the local runtime's budget. Split it into several requests.`,
  };
  if (countTokens(query, limits.maxTokens) > limits.maxTokens) return over;
  try {
    return parse(query, { maxTokens: limits.maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError && /contains more th\w+ \d+ tokens/.test(error.message)) return over;
    throw error;
  }
}

function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : n.toExponential(2);
}

/** AppSync's QueryDepthLimit error for a field nested deeper than the limit (see docs/… in README). */
export function depthLimitError(depth: number, limit: number): { message: string; errorType: string } {
  return { errorType: 'QueryDepthLimitReached', message: `Query depth limit of ${limit} exceeded: this field is at depth ${depth}.` };
}

/** AppSync's error when a request invokes more resolvers than ResolverCountLimit allows. */
export const RESOLVER_LIMIT_ERROR = { errorType: 'ResolverExecutionLimitReached', message: 'Resolver invocation limit reached.' } as const;
