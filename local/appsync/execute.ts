// GraphQL execution with AppSync's semantics on top of graphql-js: per-field auth directives,
// manifest resolvers for the fields that have one, default property resolution for the rest.
import {
  execute,
  getOperationAST,
  GraphQLError,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import type { ResolverDefinition } from '../../resolvers/manifest-types.ts';
import { DocumentCache } from './document-cache.ts';
import { LITERAL_RULES, shapeKey } from './document-shape.ts';
import { FieldError, formatError, type AppSyncErrorEntry, type ResolverErrorDetail } from './errors.ts';
import { budgetError, DEFAULT_LIMITS, parseWithinBudget, depthLimitError, operationCost, resolverCeiling, RESOLVER_LIMIT_ERROR, selectedOperation, type OperationCost, type RequestLimits } from './limits.ts';
import { runResolver, type ResolverContext, type ResolverRuntime } from './run-resolver.ts';
import { selectionSetGraphQL, selectionSetList } from './selection.ts';

export interface Caller {
  /** AppSync's ctx.identity for this caller (null for API key). */
  identity: unknown;
  /** util.authType()'s answer. */
  authType: string;
  /** Whether the caller may read `typeName.fieldName` (the auth directives). */
  allowed(typeName: string, fieldName: string): boolean;
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface ExecutorOptions {
  schema: GraphQLSchema;
  resolvers: ResolverDefinition[];
  runtime: ResolverRuntime;
  env: Record<string, string>;
  /** AppSync's limits (from the manifest) and the local budgets; defaults: DEFAULT_LIMITS. */
  limits?: Partial<RequestLimits>;
  /**
   * Called with each successful mutation field's result, for @aws_subscribe fan-out, with the
   * request's document and what its handlers asked of `extensions` (subscription invalidation).
   */
  onMutationResult?(fieldName: string, value: unknown, document: DocumentNode, extensions: Record<string, unknown>[]): void;
}

interface ExecutionState {
  document: DocumentNode;
  caller: Caller;
  headers: Record<string, string>;
  appended: AppSyncErrorEntry[];
  /** Resolver invocations so far (ResolverCountLimit). */
  resolvers: number;
}

interface CachedDocument {
  doc: DocumentNode;
  costs: Map<string, OperationCost>;
  valid: readonly GraphQLError[] | undefined;
  /** The document's shape (document-shape.ts). */
  shape: string;
  /** Its shape passed every rule before: only LITERAL_RULES are left to check. */
  literalOnly: boolean;
}

/** A shape that passed every validation rule, with the costs of its operations (they depend on the shape only). */
interface ValidShape {
  costs: Map<string, OperationCost>;
  /** The last query text seen with this shape: seen twice, a text is cached by itself. */
  lastQuery: string;
}

export interface AppSyncResponse {
  data: unknown;
  errors?: AppSyncErrorEntry[];
}

export function createExecutor(options: ExecutorOptions) {
  const byField = new Map(options.resolvers.map((r) => [`${r.typeName}.${r.fieldName}`, r]));
  const limits: RequestLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const maxResolvers = resolverCeiling(limits);
  const rootResolverFields = new Map<string, Set<string>>();
  for (const r of options.resolvers) {
    const set = rootResolverFields.get(r.typeName) ?? new Set<string>();
    set.add(r.fieldName);
    rootResolverFields.set(r.typeName, set);
  }
  const rootTypeName = { query: options.schema.getQueryType()?.name, mutation: options.schema.getMutationType()?.name, subscription: options.schema.getSubscriptionType()?.name };
  const documents = new DocumentCache<CachedDocument>();
  const shapes = new DocumentCache<ValidShape>();

  const fieldResolver: GraphQLFieldResolver<unknown, ExecutionState> = async (source, args, state, info) => {
    const typeName = info.parentType.name;
    if (limits.queryDepthLimit > 0) {
      let depth = 0;
      for (let p: typeof info.path | undefined = info.path; p; p = p.prev) if (typeof p.key === 'string') depth += 1;
      if (depth > limits.queryDepthLimit) throw new FieldError(depthLimitError(depth, limits.queryDepthLimit));
    }
    if (!state.caller.allowed(typeName, info.fieldName)) {
      throw new FieldError({ message: `Not Authorized to access ${info.fieldName} on type ${typeName}`, errorType: 'Unauthorized' });
    }
    const def = byField.get(`${typeName}.${info.fieldName}`);
    if (!def) {
      const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[info.fieldName] : undefined;
      return typeof value === 'function' ? value.call(source) : value;
    }
    state.resolvers += 1;
    if (state.resolvers > maxResolvers) throw new FieldError({ ...RESOLVER_LIMIT_ERROR });
    const field = info.fieldNodes[0]!;
    const ctx: ResolverContext = {
      arguments: args as Record<string, unknown>,
      source: source ?? null,
      identity: state.caller.identity,
      stash: {},
      prev: null,
      request: { headers: state.headers, domainName: null },
      info: {
        fieldName: info.fieldName,
        parentTypeName: typeName,
        variables: info.variableValues,
        selectionSetList: selectionSetList(field.selectionSet, info.fragments),
        selectionSetGraphQL: selectionSetGraphQL(field),
      },
      env: options.env,
      authType: state.caller.authType,
    };
    let result;
    try {
      result = await runResolver(def, options.runtime, ctx);
    } catch (error) {
      if (error instanceof FieldError) for (const e of error.appended) state.appended.push(appendedEntry(e, info.path));
      throw error;
    }
    for (const e of result.errors) state.appended.push(appendedEntry(e, info.path));
    if (typeName === options.schema.getMutationType()?.name && options.onMutationResult) {
      options.onMutationResult(info.fieldName, result.value, state.document, result.extensions);
    }
    return result.value;
  };

  /**
   * Parses, checks the local budgets (before validation: measuring is linear, validating a
   * pathological document may not be) and validates; a document's cost is kept with it.
   * Two caches: by query text (a repeated query is neither parsed nor validated again), and by
   * shape (a query that differs from a valid one only in literal values or aliases is parsed and
   * checked by LITERAL_RULES only; one-off texts are not kept, a text seen twice is).
   */
  function document(query: string, operationName: string | null | undefined, variablesBytes: number): DocumentNode | AppSyncErrorEntry[] {
    let cached = documents.get(query);
    if (!cached) {
      let doc: DocumentNode | AppSyncErrorEntry;
      try {
        doc = parseWithinBudget(query, limits);
      } catch (error) {
        return [formatError(error as GraphQLError, 'ValidationError')];
      }
      if (!('kind' in doc)) return [doc];
      const shape = shapeKey(doc);
      const known = shapes.get(shape);
      if (known) {
        cached = { doc, costs: known.costs, valid: undefined, shape, literalOnly: true };
        if (known.lastQuery === query) documents.set(query, cached);
        else known.lastQuery = query;
      } else {
        cached = { doc, costs: new Map(), valid: undefined, shape, literalOnly: false };
        documents.set(query, cached);
      }
    }
    const operation = selectedOperation(cached.doc, operationName);
    if (operation) {
      const key = operationName ?? '';
      let cost = cached.costs.get(key);
      if (!cost) {
        const rootName = rootTypeName[operation.operation];
        cost = operationCost(cached.doc, operation, (rootName && rootResolverFields.get(rootName)) || new Set());
        cached.costs.set(key, cost);
      }
      const over = budgetError(cost, variablesBytes, limits);
      if (over) return [over];
    }
    if (cached.valid === undefined) {
      cached.valid = validate(options.schema, cached.doc, cached.literalOnly ? LITERAL_RULES : specifiedRules);
      if (!cached.valid.length && !cached.literalOnly) shapes.set(cached.shape, { costs: cached.costs, lastQuery: query });
    }
    if (cached.valid.length) {
      // an invalid document is not kept: the cache holds only what can run
      documents.delete(query);
      return cached.valid.map((e) => formatError(e, 'ValidationError'));
    }
    return cached.doc;
  }

  /** `variablesBytes`: size of the request's variables as sent (the HTTP layer knows it without re-encoding). */
  const run = async function run(request: GraphQLRequest, caller: Caller, headers: Record<string, string>, variablesBytes = 0): Promise<AppSyncResponse> {
    const doc = document(request.query, request.operationName, variablesBytes);
    if (Array.isArray(doc)) return { data: null, errors: doc };
    if (getOperationAST(doc, request.operationName)?.operation === 'subscription') {
      const message = 'Subscriptions are served by the realtime WebSocket endpoint (/graphql/realtime), not over HTTP';
      return { data: null, errors: [{ path: null, data: null, errorType: 'UnsupportedOperation', errorInfo: null, locations: null, message }] };
    }
    const state: ExecutionState = { document: doc, caller, headers, appended: [], resolvers: 0 };
    const result = await execute({
      schema: options.schema,
      document: doc,
      variableValues: request.variables ?? undefined,
      operationName: request.operationName ?? undefined,
      contextValue: state,
      fieldResolver,
    });
    const errors = [...(result.errors ?? []).map((e) => formatError(e, result.data === undefined ? 'ValidationError' : null)), ...state.appended];
    return errors.length ? { data: result.data ?? null, errors } : { data: result.data ?? null };
  };
  return Object.assign(run, { documents, shapes });
}

function appendedEntry(e: ResolverErrorDetail, path: { prev: unknown; key: string | number } | undefined): AppSyncErrorEntry {
  const keys: (string | number)[] = [];
  for (let p = path; p; p = p.prev as typeof path) keys.unshift(p.key);
  return { path: keys, data: e.data ?? null, errorType: e.errorType ?? null, errorInfo: e.errorInfo ?? null, locations: null, message: e.message };
}
