// The realtime endpoint of the local AppSync: AppSync's WebSocket protocol (see protocol.ts) with
// per-start authorization, schema validation, field auth, subscription resolvers (enhanced filters)
// and `@aws_subscribe` fan-out of published mutation results. Generic: it serves any schema.
// This file wires the parts and reads the protocol's messages: connection.ts (sockets, handshake
// auth, keep-alives), subscription.ts (what a start message becomes), fan-out.ts (delivery).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { RawData } from 'ws';
import type { Principal, RequestHeaders, RequestInfo } from '../auth/index.ts';
import { DEFAULT_LIMITS, type RequestLimits } from '../limits.ts';
import { isRecord } from '../../values.ts';
import { createConnections, type Connection } from './connection.ts';
import { createFanOut } from './fan-out.ts';
import { ackMessage, CLIENT, completeMessage, ERRORS, errorMessage, KEEP_ALIVE_MESSAGE, startAckMessage } from './protocol.ts';
import { SubscriptionRegistry } from './registry.ts';
import {
  createSubscriptionStarter,
  defaultPrincipalKey,
  ExpiredConnection,
  StartError,
  TOKEN_EXPIRED,
  type Subscription,
  type SubscriptionResolverInfo,
  type SubscriptionResolverOutcome,
  type SubscriptionResolverRunner,
} from './subscription.ts';

export type { SubscriptionResolverInfo, SubscriptionResolverOutcome };

export interface RealtimeServerOptions {
  schema: GraphQLSchema;
  /** Authenticates a connection's or a start message's authorization headers (throws UnauthorizedError). */
  authenticate(headers: RequestHeaders, request: RequestInfo): Promise<Principal>;
  /** Whether the principal may read typeName.fieldName (schema auth directives). */
  allowed(principal: Principal, typeName: string, fieldName: string): boolean;
  /** Runs the subscription field's resolver, if it has one, when a subscription starts. */
  runSubscriptionResolver?: SubscriptionResolverRunner;
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

const DEFAULT_KEEP_ALIVE_MS = 60_000;
const DEFAULT_CONNECTION_TIMEOUT_MS = 300_000;
const DEFAULT_MAX_SUBSCRIPTIONS = 100;

export function createRealtimeServer(options: RealtimeServerOptions): RealtimeServer {
  const connectionTimeoutMs = options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
  const maxSubscriptions = options.maxSubscriptionsPerConnection ?? DEFAULT_MAX_SUBSCRIPTIONS;
  const report = options.onError ?? ((error: unknown, context: string) => console.error(`[realtime] ${context}:`, error));
  const registry = new SubscriptionRegistry<Subscription>();
  let closed = false;
  const stats: RealtimeStats = { connections: 0, subscriptions: 0, published: 0, delivered: 0, queued: 0 };

  const { handleUpgrade, send, dropConnection, authorizedConnection, closeAll } = createConnections({
    authenticate: options.authenticate,
    graphqlPath: options.graphqlPath,
    maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024,
    keepAliveMs: options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
    initTimeoutMs: options.initTimeoutMs ?? connectionTimeoutMs,
    stats,
    isClosed: () => closed,
    report,
    onMessage,
    onDrop(connection) {
      for (const sub of connection.active.values()) registry.remove(sub);
      stats.subscriptions = registry.size;
    },
  });
  const { prepare } = createSubscriptionStarter({
    schema: options.schema,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    authenticate: options.authenticate,
    allowed: options.allowed,
    runSubscriptionResolver: options.runSubscriptionResolver,
    principalKey: options.principalKey ?? defaultPrincipalKey,
    now: options.now ?? Date.now,
  });

  // ---- messages ----------------------------------------------------------------------------

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

  // ---- fan-out (fan-out.ts) ------------------------------------------------------------------

  const fanOut = createFanOut<Subscription>({
    schema: options.schema,
    registry,
    stats,
    sliceMs: options.fanOutSliceMs ?? 8,
    report,
    isClosed: () => closed,
    allowed: options.allowed,
    send: (sub, text) => send(sub.connection, text),
  });
  const { publish, invalidate } = fanOut;

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    fanOut.clear();
    await closeAll();
    registry.clear();
    stats.subscriptions = 0;
  }

  return { handleUpgrade, publish, invalidate, close, stats };
}
