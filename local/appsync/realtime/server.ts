// The realtime endpoint of the local AppSync: AppSync's WebSocket protocol (see protocol.ts) with
// per-start authorization, schema validation, field auth, subscription resolvers (enhanced filters)
// and `@aws_subscribe` fan-out of published mutation results (fan-out.ts). Generic: it serves any schema.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
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
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Principal, RequestHeaders, RequestInfo } from '../auth/index.ts';
import { budgetError, DEFAULT_LIMITS, operationCost, parseWithinBudget, type RequestLimits } from '../limits.ts';
import { selectionSetGraphQL, selectionSetList } from '../selection.ts';
import { createFanOut, type FanOutSubscription } from './fan-out.ts';
import { compileFilter, FilterValidationError, type CompiledFilter } from './filter.ts';
import { subscribeDirectives } from './payload.ts';
import {
  ackMessage,
  CLIENT,
  completeMessage,
  connectionErrorMessage,
  ERRORS,
  errorMessage,
  handshakeAuth,
  KEEP_ALIVE_MESSAGE,
  startAckMessage,
  SUBPROTOCOL,
  type HandshakeAuth,
  type ProtocolError,
} from './protocol.ts';
import { SubscriptionRegistry } from './registry.ts';

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

export interface SubscriptionResolverOutcome {
  /** extensions.setSubscriptionFilter(...) */
  filter?: unknown;
  /** extensions.setSubscriptionInvalidationFilter(...) */
  invalidationFilter?: unknown;
  /** util.error / util.unauthorized / a failed data source: the start is refused with this error. */
  error?: { message: string; errorType?: string | null };
}

export interface RealtimeServerOptions {
  schema: GraphQLSchema;
  /** Authenticates a connection's or a start message's authorization headers (throws UnauthorizedError). */
  authenticate(headers: RequestHeaders, request: RequestInfo): Promise<Principal>;
  /** Whether the principal may read typeName.fieldName (schema auth directives). */
  allowed(principal: Principal, typeName: string, fieldName: string): boolean;
  /** Runs the subscription field's resolver, if it has one, when a subscription starts. */
  runSubscriptionResolver?(
    fieldName: string,
    args: Record<string, unknown>,
    principal: Principal,
    info: SubscriptionResolverInfo,
  ): Promise<SubscriptionResolverOutcome | null | undefined>;
  /** Interval of `ka` messages (default 60 000 ms, as AppSync). */
  keepAliveMs?: number;
  /** connectionTimeoutMs announced in connection_ack (default 300 000). */
  connectionTimeoutMs?: number;
  /** A socket that sends no connection_init within this long is closed (default: connectionTimeoutMs). */
  initTimeoutMs?: number;
  /** Clock for token expiry (tests). */
  now?(): number;
  /** AppSync's per-connection subscription limit (default 100). */
  maxSubscriptionsPerConnection?: number;
  /** The GraphQL endpoint path signatures cover; default: the upgrade path without its `/realtime` suffix. */
  graphqlPath?: string;
  /**
   * A key such that two principals with the same key are allowed the same fields (projection results
   * are shared between them). Default: the auth mode plus, for user pools, the sorted groups.
   */
  principalKey?(principal: Principal): string;
  /** Largest inbound message in bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /** Time budget of one fan-out slice before yielding to the event loop (default 8 ms). */
  fanOutSliceMs?: number;
  /** Local budgets on a start's document (aliases, fields after fragment expansion). */
  limits?: Partial<RequestLimits>;
  /** Diagnostics (unexpected failures). Default: console.error. */
  onError?(error: unknown, context: string): void;
}

export interface RealtimeStats {
  /** Open WebSocket connections. */
  connections: number;
  /** Active (acknowledged) subscriptions. */
  subscriptions: number;
  /** publish() calls. */
  published: number;
  /** `data` messages sent. */
  delivered: number;
  /** Publishes waiting for fan-out. */
  queued: number;
}

export interface RealtimeServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Fans a mutation field's result out to the subscriptions that `@aws_subscribe` to it. */
  publish(mutationFieldName: string, payload: unknown, mutationDocument?: DocumentNode | OperationDefinitionNode): void;
  /**
   * extensions.invalidateSubscriptions({subscriptionField, payload}): ends the subscriptions on
   * `subscriptionField` whose invalidation filter matches `payload` (each gets `complete`).
   */
  invalidate(subscriptionField: string, payload: unknown): number;
  close(): Promise<void>;
  readonly stats: Readonly<RealtimeStats>;
}

/** Subscribers with the same `projectionKey` receive byte-identical payloads. */
interface Subscription extends FanOutSubscription {
  readonly connection: Connection;
}

interface Connection {
  readonly ws: WebSocket;
  readonly handshake: HandshakeAuth;
  readonly sourceIp: string | undefined;
  readonly auth: Promise<{ principal: Principal } | { error: ProtocolError }>;
  acknowledged: boolean;
  closed: boolean;
  /** Closes the socket if connection_init does not come in time. */
  initTimer: NodeJS.Timeout | undefined;
  /** Ids of subscriptions being started (between start and start_ack). */
  readonly pending: Set<string>;
  readonly active: Map<string, Subscription>;
}

interface StartPayload {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}

const DEFAULT_KEEP_ALIVE_MS = 60_000;
const DEFAULT_CONNECTION_TIMEOUT_MS = 300_000;
const DEFAULT_MAX_SUBSCRIPTIONS = 100;
const DOCUMENT_CACHE_SIZE = 500;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function defaultPrincipalKey(principal: Principal): string {
  if (principal.mode === 'AMAZON_COGNITO_USER_POOLS') return `${principal.mode}|${[...(principal.identity.groups ?? [])].sort().join(',')}`;
  return principal.mode;
}

function lowerHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** When the principal's credential stops being valid (a JWT's `exp`), in epoch ms; undefined when it does not expire. */
function expiresAt(principal: Principal): number | undefined {
  if (principal.mode !== 'AMAZON_COGNITO_USER_POOLS') return undefined;
  const exp = (principal.identity.claims as { exp?: unknown }).exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

/** AppSync's answer to a request made with an expired JWT (as reported by AppSync SDK users). */
const TOKEN_EXPIRED: ProtocolError = { errorType: 'UnauthorizedException', message: 'Token has expired.' };

function authFailure(error: unknown): ProtocolError | null {
  if (!(error instanceof Error)) return null;
  const candidate = error as Error & { errorType?: unknown; statusCode?: unknown };
  if (typeof candidate.errorType !== 'string') return null;
  return {
    errorType: candidate.errorType,
    message: error.message,
    ...(typeof candidate.statusCode === 'number' ? { errorCode: candidate.statusCode } : {}),
  };
}

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
class ExpiredConnection extends Error {}

class StartError extends Error {
  constructor(readonly errors: ProtocolError[]) {
    super(errors[0]?.message ?? 'start failed');
  }
}

export function createRealtimeServer(options: RealtimeServerOptions): RealtimeServer {
  const { schema } = options;
  const keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  const connectionTimeoutMs = options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
  const initTimeoutMs = options.initTimeoutMs ?? connectionTimeoutMs;
  const now = options.now ?? Date.now;
  const maxSubscriptions = options.maxSubscriptionsPerConnection ?? DEFAULT_MAX_SUBSCRIPTIONS;
  const sliceMs = options.fanOutSliceMs ?? 8;
  const principalKey = options.principalKey ?? defaultPrincipalKey;
  const report = options.onError ?? ((error: unknown, context: string) => console.error(`[realtime] ${context}:`, error));
  const subscriptionType = schema.getSubscriptionType();
  const subscribes = subscribeDirectives(schema);

  const registry = new SubscriptionRegistry<Subscription>();
  const connections = new Set<Connection>();
  const documents = new Map<string, { document: DocumentNode } | { errors: readonly GraphQLError[] }>();
  const limits: RequestLimits = { ...DEFAULT_LIMITS, ...options.limits };
  let closed = false;
  const stats: RealtimeStats = { connections: 0, subscriptions: 0, published: 0, delivered: 0, queued: 0 };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes ?? 1024 * 1024,
    // AppSync answers `graphql-ws` even when the client also offers its `header-…` subprotocol.
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  const keepAlive = setInterval(() => {
    for (const connection of connections) if (connection.acknowledged) send(connection, KEEP_ALIVE_MESSAGE);
  }, keepAliveMs);
  keepAlive.unref();

  function send(connection: Connection, text: string): boolean {
    if (connection.closed || connection.ws.readyState !== WebSocket.OPEN) return false;
    connection.ws.send(text);
    return true;
  }

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

  // ---- connections -------------------------------------------------------------------------

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (closed) {
      socket.destroy();
      return;
    }
    const handshake = handshakeAuth(req, options.graphqlPath);
    const sourceIp = req.socket.remoteAddress ?? undefined;
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, handshake, sourceIp));
  }

  function accept(ws: WebSocket, handshake: HandshakeAuth, sourceIp: string | undefined): void {
    const auth = Promise.resolve()
      .then(() => options.authenticate(handshake.headers, { method: 'POST', path: handshake.connectPath, body: handshake.body, sourceIp }))
      .then(
        (principal) => ({ principal }),
        (error: unknown) => {
          const failure = authFailure(error);
          if (!failure) report(error, 'connection authentication');
          return { error: failure ?? { errorType: 'InternalFailure', message: 'An internal failure occurred while authorizing the connection.' } };
        },
      );
    const connection: Connection = { ws, handshake, sourceIp, auth, acknowledged: false, closed: false, initTimer: undefined, pending: new Set(), active: new Map() };
    // A socket that never initialises would otherwise hold its slot (and its memory) forever.
    connection.initTimer = setTimeout(() => {
      if (connection.acknowledged || connection.closed) return;
      send(connection, connectionErrorMessage([{ errorType: 'ConnectionTimeoutError', message: `No connection_init within ${initTimeoutMs} ms` }]));
      connection.ws.close(4408, 'Connection initialisation timeout');
      dropConnection(connection);
    }, initTimeoutMs);
    connection.initTimer.unref();
    connections.add(connection);
    stats.connections = connections.size;
    ws.on('message', (data: RawData, isBinary: boolean) => onMessage(connection, data, isBinary));
    ws.on('close', () => dropConnection(connection));
    ws.on('error', () => dropConnection(connection));
  }

  function dropConnection(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    clearTimeout(connection.initTimer);
    connection.pending.clear();
    for (const sub of connection.active.values()) registry.remove(sub);
    connection.active.clear();
    connections.delete(connection);
    stats.connections = connections.size;
    stats.subscriptions = registry.size;
  }

  /** Sends connection_error and closes: a connection whose handshake authorization was refused. */
  function refuse(connection: Connection, error: ProtocolError): void {
    send(connection, connectionErrorMessage([error]));
    connection.ws.close(1000);
    dropConnection(connection);
  }

  async function authorizedConnection(connection: Connection): Promise<boolean> {
    const result = await connection.auth;
    if ('error' in result) {
      refuse(connection, result.error);
      return false;
    }
    return !connection.closed;
  }

  function onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    let message: unknown;
    try {
      const text = isBinary ? '' : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString();
      message = JSON.parse(text);
    } catch {
      message = null;
    }
    const type = isRecord(message) && typeof message.type === 'string' ? message.type : undefined;
    const id = isRecord(message) && typeof message.id === 'string' ? message.id : undefined;
    switch (type) {
      case CLIENT.CONNECTION_INIT:
        void onInit(connection);
        return;
      case CLIENT.START:
        void onStart(connection, message as Record<string, unknown>);
        return;
      case CLIENT.STOP:
        onStop(connection, id);
        return;
      default:
        send(connection, errorMessage(id, [ERRORS.unsupported(type ?? 'unknown')]));
    }
  }

  async function onInit(connection: Connection): Promise<void> {
    if (!(await authorizedConnection(connection))) return;
    const first = !connection.acknowledged;
    connection.acknowledged = true;
    clearTimeout(connection.initTimer);
    send(connection, ackMessage(connectionTimeoutMs));
    if (first) send(connection, KEEP_ALIVE_MESSAGE);
  }

  function onStop(connection: Connection, id: string | undefined): void {
    if (id === undefined) {
      send(connection, errorMessage(undefined, [{ errorType: 'BadRequestException', message: 'stop requires an id' }]));
      return;
    }
    connection.pending.delete(id);
    const sub = connection.active.get(id);
    if (sub) {
      connection.active.delete(id);
      registry.remove(sub);
      stats.subscriptions = registry.size;
    }
    send(connection, completeMessage(id));
  }

  // ---- start -------------------------------------------------------------------------------

  async function onStart(connection: Connection, message: Record<string, unknown>): Promise<void> {
    const id = typeof message.id === 'string' && message.id.length > 0 ? message.id : undefined;
    if (id === undefined) {
      send(connection, errorMessage(undefined, [{ errorType: 'BadRequestException', message: 'start requires an id' }]));
      return;
    }
    if (connection.pending.has(id) || connection.active.has(id)) {
      send(connection, errorMessage(id, [ERRORS.duplicated(id)]));
      return;
    }
    if (connection.pending.size + connection.active.size >= maxSubscriptions) {
      send(connection, errorMessage(id, [ERRORS.maxSubscriptions(maxSubscriptions)]));
      return;
    }
    connection.pending.add(id);
    try {
      if (!(await authorizedConnection(connection))) return;
      const sub = await prepare(connection, id, isRecord(message.payload) ? message.payload : {});
      // A stop (or a closed socket) while the start was being processed cancels it.
      if (connection.closed || !connection.pending.delete(id)) return;
      connection.active.set(id, sub);
      registry.add(sub);
      stats.subscriptions = registry.size;
      send(connection, startAckMessage(id));
    } catch (error) {
      if (!connection.pending.delete(id) || connection.closed) return;
      if (error instanceof ExpiredConnection) {
        // The connection's own token has expired: nothing it starts can be trusted any more.
        send(connection, errorMessage(id, [TOKEN_EXPIRED]));
        connection.ws.close(1000);
        dropConnection(connection);
      } else if (error instanceof StartError) send(connection, errorMessage(id, error.errors));
      else {
        report(error, `start ${id}`);
        send(connection, errorMessage(id, [{ errorType: 'InternalFailure', message: error instanceof Error ? error.message : String(error) }]));
      }
    }
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

  // ---- fan-out (fan-out.ts) ------------------------------------------------------------------

  const fanOut = createFanOut<Subscription>({
    schema,
    registry,
    stats,
    sliceMs,
    report,
    isClosed: () => closed,
    allowed: options.allowed,
    send: (sub, text) => send(sub.connection, text),
  });
  const { publish, invalidate } = fanOut;

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    fanOut.clear();
    const sockets = [...connections].map((c) => c.ws);
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((done) => {
            if (ws.readyState === WebSocket.CLOSED) return done();
            const timer = setTimeout(() => {
              ws.terminate();
              done();
            }, 1000);
            ws.once('close', () => {
              clearTimeout(timer);
              done();
            });
            ws.close(1001);
          }),
      ),
    );
    for (const connection of [...connections]) dropConnection(connection);
    registry.clear();
    stats.subscriptions = 0;
    await new Promise<void>((done) => wss.close(() => done()));
  }

  return { handleUpgrade, publish, invalidate, close, stats };
}
