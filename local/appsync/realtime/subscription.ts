// Starting a subscription: the start message's document (parsed within the local budgets,
// validated, cached), its authorization (the connection's identity or the start's own headers),
// the root field and its arguments, field auth, and the subscription resolver's filters. What it
// returns is registered by server.ts and served by fan-out.ts.
import {
  getArgumentValues,
  getVariableValues,
  GraphQLError,
  Kind,
  specifiedRules,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Principal, RequestHeaders, RequestInfo } from '../auth/index.ts';
import { budgetError, operationCost, parseWithinBudget, type RequestLimits } from '../limits.ts';
import { selectionSetGraphQL, selectionSetList } from '../selection.ts';
import { isRecord, lowerHeaders } from '../../values.ts';
import { authFailure, type Connection } from './connection.ts';
import type { FanOutSubscription } from './fan-out.ts';
import { compileFilter, FilterValidationError, type CompiledFilter } from './filter.ts';
import { subscribeDirectives } from './payload.ts';
import { ERRORS, type ProtocolError } from './protocol.ts';

/** What a subscription resolver is told besides the field, arguments and principal. */
export interface SubscriptionResolverInfo {
  parentTypeName: string;
  fieldName: string;
  /** The start message's coerced variables. */
  variables: Record<string, unknown>;
  selectionSetList: string[];
  selectionSetGraphQL: string;
  /** The start message's authorization headers (ctx.request.headers), lower-cased. */
  headers: Record<string, string>;
  /** The client's subscription id. */
  subscriptionId: string;
}

/** Runs a subscription field's resolver when a subscription starts. */
export type SubscriptionResolverRunner = (
  fieldName: string,
  args: Record<string, unknown>,
  principal: Principal,
  info: SubscriptionResolverInfo,
) => Promise<SubscriptionResolverOutcome | null | undefined>;

export interface SubscriptionResolverOutcome {
  /** extensions.setSubscriptionFilter(...) */
  filter?: unknown;
  /** extensions.setSubscriptionInvalidationFilter(...) */
  invalidationFilter?: unknown;
  /** util.error / util.unauthorized / a failed data source: the start is refused with this error. */
  error?: { message: string; errorType?: string | null };
}

/** Subscribers with the same `projectionKey` receive byte-identical payloads. */
export interface Subscription extends FanOutSubscription {
  readonly connection: Connection;
}

interface StartPayload {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}

const DOCUMENT_CACHE_SIZE = 500;

export function defaultPrincipalKey(principal: Principal): string {
  if (principal.mode === 'AMAZON_COGNITO_USER_POOLS') return `${principal.mode}|${[...(principal.identity.groups ?? [])].sort().join(',')}`;
  return principal.mode;
}

/** When the principal's credential stops being valid (a JWT's `exp`), in epoch ms; undefined when it does not expire. */
export function expiresAt(principal: Principal): number | undefined {
  if (principal.mode !== 'AMAZON_COGNITO_USER_POOLS') return undefined;
  const exp = (principal.identity.claims as { exp?: unknown }).exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

/** AppSync's answer to a request made with an expired JWT (as reported by AppSync SDK users). */
export const TOKEN_EXPIRED: ProtocolError = { errorType: 'UnauthorizedException', message: 'Token has expired.' };

function graphQLErrors(errors: readonly GraphQLError[]): ProtocolError[] {
  return errors.map((e) => ({
    errorType: 'ValidationError',
    message: e.message,
    ...(e.locations ? { locations: e.locations.map((l) => ({ line: l.line, column: l.column })) } : {}),
  }));
}

/** The start message's `data`: JSON text of {query, variables, operationName}; `payload.query` as a fallback. */
function readStartPayload(payload: Record<string, unknown>): StartPayload | null {
  let source: unknown = payload;
  if (typeof payload.data === 'string') {
    try {
      source = JSON.parse(payload.data);
    } catch {
      return null;
    }
  } else if (isRecord(payload.data)) source = payload.data;
  if (!isRecord(source) || typeof source.query !== 'string') return null;
  return {
    query: source.query,
    variables: isRecord(source.variables) ? source.variables : {},
    operationName: typeof source.operationName === 'string' && source.operationName.length > 0 ? source.operationName : undefined,
  };
}

function rootField(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
): FieldNode | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) return selection;
    const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments[selection.name.value]?.selectionSet;
    const found = inner ? rootField(inner, fragments) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** A start on a connection whose handshake token has expired since. */
export class ExpiredConnection extends Error {}

export class StartError extends Error {
  constructor(readonly errors: ProtocolError[]) {
    super(errors[0]?.message ?? 'start failed');
  }
}

export interface SubscriptionStarterOptions {
  schema: GraphQLSchema;
  limits: RequestLimits;
  authenticate(headers: RequestHeaders, request: RequestInfo): Promise<Principal>;
  allowed(principal: Principal, typeName: string, fieldName: string): boolean;
  runSubscriptionResolver?: SubscriptionResolverRunner;
  principalKey(principal: Principal): string;
  now(): number;
}

export function createSubscriptionStarter(options: SubscriptionStarterOptions) {
  const { schema, limits, principalKey, now } = options;
  const subscriptionType = schema.getSubscriptionType();
  const subscribes = subscribeDirectives(schema);
  const documents = new Map<string, { document: DocumentNode } | { errors: readonly GraphQLError[] }>();

  function parseDocument(query: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
    const cached = documents.get(query);
    if (cached) return cached;
    let entry: { document: DocumentNode } | { errors: readonly GraphQLError[] };
    try {
      const document = parseWithinBudget(query, limits);
      if (!('kind' in document)) throw new StartError([{ errorType: document.errorType!, message: document.message }]);
      // The local budgets first: measuring is linear in the document, validating a pathological one may not be.
      for (const def of document.definitions) {
        if (def.kind !== Kind.OPERATION_DEFINITION) continue;
        const over = budgetError(operationCost(document, def, new Set()), 0, limits);
        if (over) throw new StartError([{ errorType: over.errorType!, message: over.message }]);
      }
      const errors = validate(schema, document, specifiedRules);
      entry = errors.length ? { errors } : { document };
    } catch (error) {
      if (error instanceof StartError) throw error;
      entry = { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
    }
    if (documents.size >= DOCUMENT_CACHE_SIZE) documents.delete(documents.keys().next().value as string);
    documents.set(query, entry);
    return entry;
  }

  async function startPrincipal(connection: Connection, payload: Record<string, unknown>, data: string | undefined): Promise<{ principal: Principal; headers: Record<string, string> }> {
    const extensions = isRecord(payload.extensions) ? payload.extensions : {};
    const authorization = isRecord(extensions.authorization) ? extensions.authorization : undefined;
    if (!authorization) {
      // No per-start authorization: the connection's identity applies.
      const result = await connection.auth;
      if ('error' in result) throw new StartError([result.error]);
      // The handshake's token was checked when the socket opened; it must still be valid now.
      const expiry = expiresAt(result.principal);
      if (expiry !== undefined && now() >= expiry) throw new ExpiredConnection();
      return { principal: result.principal, headers: lowerHeaders(connection.handshake.headers) };
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(authorization)) if (v !== undefined && v !== null) headers[k] = String(v);
    try {
      const principal = await options.authenticate(headers, {
        method: 'POST',
        path: connection.handshake.graphqlPath,
        body: data ?? '',
        sourceIp: connection.sourceIp,
      });
      return { principal, headers: lowerHeaders(headers) };
    } catch (error) {
      const failure = authFailure(error);
      if (!failure) throw error;
      throw new StartError([failure]);
    }
  }

  async function prepare(connection: Connection, id: string, payload: Record<string, unknown>): Promise<Subscription> {
    const request = readStartPayload(payload);
    if (!request) {
      throw new StartError([{ errorType: 'BadRequestException', message: 'The start payload must carry data: JSON text of {"query": "...", "variables": {...}}' }]);
    }
    const { principal, headers } = await startPrincipal(connection, payload, typeof payload.data === 'string' ? payload.data : undefined);

    const parsed = parseDocument(request.query);
    if ('errors' in parsed) throw new StartError(graphQLErrors(parsed.errors));
    const { document } = parsed;
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = request.operationName ? operations.find((o) => o.name?.value === request.operationName) : operations.length === 1 ? operations[0] : undefined;
    if (!operation) {
      throw new StartError([
        {
          errorType: 'ValidationError',
          message: request.operationName ? `Unknown operation named "${request.operationName}".` : 'Must provide operation name if query contains multiple operations.',
        },
      ]);
    }
    if (operation.operation !== 'subscription' || !subscriptionType) throw new StartError([ERRORS.unsupported(operation.operation)]);

    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    const fieldNode = rootField(operation.selectionSet, fragments);
    const field: GraphQLField<unknown, unknown> | undefined = fieldNode ? subscriptionType.getFields()[fieldNode.name.value] : undefined;
    if (!fieldNode || !field) throw new StartError([{ errorType: 'ValidationError', message: 'The subscription selects no field' }]);

    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables, { maxErrors: 50 });
    if (coerced.errors) throw new StartError(graphQLErrors(coerced.errors));
    const variables = coerced.coerced;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, fieldNode, variables);
    } catch (error) {
      throw new StartError(graphQLErrors([error instanceof GraphQLError ? error : new GraphQLError(String(error))]));
    }

    if (!options.allowed(principal, subscriptionType.name, field.name)) {
      throw new StartError([ERRORS.fieldUnauthorized(subscriptionType.name, field.name)]);
    }

    let filter: CompiledFilter | null = null;
    let invalidationFilter: CompiledFilter | null = null;
    if (options.runSubscriptionResolver) {
      const outcome = await options.runSubscriptionResolver(field.name, args, principal, {
        parentTypeName: subscriptionType.name,
        fieldName: field.name,
        variables,
        selectionSetList: selectionSetList(fieldNode.selectionSet, fragments),
        selectionSetGraphQL: selectionSetGraphQL(fieldNode),
        headers,
        subscriptionId: id,
      });
      if (outcome?.error) {
        throw new StartError([{ errorType: outcome.error.errorType ?? 'Unknown', message: outcome.error.message }]);
      }
      try {
        filter = compileFilter(outcome?.filter);
        invalidationFilter = compileFilter(outcome?.invalidationFilter);
      } catch (error) {
        if (error instanceof FilterValidationError) throw new StartError([{ errorType: 'BadRequestException', message: error.message }]);
        throw error;
      }
    }

    // Basic filtering: every argument given must equal the payload field of the same name. An
    // enhanced filter replaces it (AppSync's own examples repeat the arguments inside the filter,
    // e.g. `group: {eq: ctx.args.group}`, and Amplify's `filter:` argument names no payload field).
    const argNames =
      filter !== null
        ? []
        : Object.keys(args)
            .filter((name) => args[name] !== null && args[name] !== undefined)
            .sort();
    const rawVariables = request.variables;
    return {
      id,
      connection,
      fieldName: field.name,
      mutations: subscribes.get(field.name) ?? [],
      argNames,
      argValues: argNames.map((name) => args[name]),
      filter,
      invalidationFilter,
      document,
      operationName: operation.name?.value,
      variables: rawVariables,
      principal,
      projectionKey: `${request.query}\u0001${operation.name?.value ?? ''}\u0001${JSON.stringify(rawVariables)}\u0001${principalKey(principal)}`,
    };
  }

  return { prepare };
}
