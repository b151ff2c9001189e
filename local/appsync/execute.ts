// GraphQL execution with AppSync's semantics on top of graphql-js: per-field auth directives,
// manifest resolvers for the fields that have one, default property resolution for the rest.
import {
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import type { ResolverDefinition } from '../../resolvers/manifest-types.ts';
import { DocumentCache } from './document-cache.ts';
import { FieldError, formatError, type AppSyncErrorEntry, type ResolverErrorDetail } from './errors.ts';
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
}

export interface AppSyncResponse {
  data: unknown;
  errors?: AppSyncErrorEntry[];
}

export function createExecutor(options: ExecutorOptions) {
  const byField = new Map(options.resolvers.map((r) => [`${r.typeName}.${r.fieldName}`, r]));
  const documents = new DocumentCache<DocumentNode>();

  const fieldResolver: GraphQLFieldResolver<unknown, ExecutionState> = async (source, args, state, info) => {
    const typeName = info.parentType.name;
    if (!state.caller.allowed(typeName, info.fieldName)) {
      throw new FieldError({ message: `Not Authorized to access ${info.fieldName} on type ${typeName}`, errorType: 'Unauthorized' });
    }
    const def = byField.get(`${typeName}.${info.fieldName}`);
    if (!def) {
      const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[info.fieldName] : undefined;
      return typeof value === 'function' ? value.call(source) : value;
    }
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

  function document(query: string): DocumentNode | readonly GraphQLError[] {
    const cached = documents.get(query);
    if (cached) return cached;
    let doc: DocumentNode;
    try {
      doc = parse(query);
    } catch (error) {
      return [error as GraphQLError];
    }
    const problems = validate(options.schema, doc, specifiedRules);
    if (problems.length) return problems;
    documents.set(query, doc);
    return doc;
  }

  const run = async function run(request: GraphQLRequest, caller: Caller, headers: Record<string, string>): Promise<AppSyncResponse> {
    const doc = document(request.query);
    if (!('kind' in doc)) return { data: null, errors: doc.map((e) => formatError(e, 'ValidationError')) };
    if (getOperationAST(doc, request.operationName)?.operation === 'subscription') {
      const message = 'Subscriptions are served by the realtime WebSocket endpoint (/graphql/realtime), not over HTTP';
      return { data: null, errors: [{ path: null, data: null, errorType: 'UnsupportedOperation', errorInfo: null, locations: null, message }] };
    }
    const state: ExecutionState = { document: doc, caller, headers, appended: [] };
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
  return Object.assign(run, { documents });
}

function appendedEntry(e: ResolverErrorDetail, path: { prev: unknown; key: string | number } | undefined): AppSyncErrorEntry {
  const keys: (string | number)[] = [];
  for (let p = path; p; p = p.prev as typeof path) keys.unshift(p.key);
  return { path: keys, data: e.data ?? null, errorType: e.errorType ?? null, errorInfo: e.errorInfo ?? null, locations: null, message: e.message };
}
