// The AppSync realtime WebSocket protocol (subprotocol `graphql-ws`, not the graphql-ws package's
// `graphql-transport-ws`): message types, the error shapes AppSync sends, and how a connection
// carries its authorization (a `header` query parameter of base64 JSON, or a `header-<base64url>`
// subprotocol next to `graphql-ws`, which is what Amplify v6 and aws-appsync-subscription-link send).
import type { IncomingMessage } from 'node:http';

export const SUBPROTOCOL = 'graphql-ws';
const HEADER_SUBPROTOCOL_PREFIX = 'header-';

/** Client -> server message types. */
export const CLIENT = {
  CONNECTION_INIT: 'connection_init',
  START: 'start',
  STOP: 'stop',
} as const;

/** Server -> client message types. */
export const SERVER = {
  CONNECTION_ACK: 'connection_ack',
  CONNECTION_ERROR: 'connection_error',
  KEEP_ALIVE: 'ka',
  START_ACK: 'start_ack',
  DATA: 'data',
  COMPLETE: 'complete',
  ERROR: 'error',
} as const;

export interface ProtocolError {
  errorType: string;
  message: string;
  /** AppSync adds the HTTP-like status code to connection errors (e.g. 401). */
  errorCode?: number;
  locations?: { line: number; column: number }[];
}

/** AppSync's error types and messages for protocol-level failures. */
export const ERRORS = {
  duplicated: (id: string): ProtocolError => ({ errorType: 'DuplicatedOperationError', message: `Duplicated operation with id ${id}` }),
  maxSubscriptions: (max: number): ProtocolError => ({
    errorType: 'MaxSubscriptionsReachedError',
    message: `Max number of ${max} subscriptions reached`,
  }),
  unsupported: (what: string): ProtocolError => ({ errorType: 'UnsupportedOperation', message: `${what} not supported through the realtime channel` }),
  fieldUnauthorized: (typeName: string, fieldName: string): ProtocolError => ({
    errorType: 'Unauthorized',
    message: `Not Authorized to access ${fieldName} on type ${typeName}`,
  }),
} as const;

export function ackMessage(connectionTimeoutMs: number): string {
  return JSON.stringify({ type: SERVER.CONNECTION_ACK, payload: { connectionTimeoutMs } });
}

export const KEEP_ALIVE_MESSAGE = JSON.stringify({ type: SERVER.KEEP_ALIVE });

export function connectionErrorMessage(errors: ProtocolError[]): string {
  return JSON.stringify({ type: SERVER.CONNECTION_ERROR, payload: { errors } });
}

export function errorMessage(id: string | undefined, errors: ProtocolError[]): string {
  return JSON.stringify(id === undefined ? { type: SERVER.ERROR, payload: { errors } } : { type: SERVER.ERROR, id, payload: { errors } });
}

export function startAckMessage(id: string): string {
  return JSON.stringify({ type: SERVER.START_ACK, id });
}

export function completeMessage(id: string): string {
  return JSON.stringify({ type: SERVER.COMPLETE, id });
}

/** A `data` message around an already-serialized payload (`{"data": ...}`), built without re-encoding it. */
export function dataMessage(id: string, payloadJson: string): string {
  return `{"type":"data","id":${JSON.stringify(id)},"payload":${payloadJson}}`;
}

/** Decodes base64 / base64url JSON of a header map; null when absent or malformed. */
export function decodeHeaderMap(text: string | null | undefined): Record<string, string> | null {
  if (!text) return null;
  try {
    // A `+` in an unencoded query string arrives as a space.
    const json = Buffer.from(text.replace(/ /g, '+'), 'base64').toString('utf8');
    const value: unknown = JSON.parse(json);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      out[k] = typeof v === 'string' ? v : String(v);
    }
    return out;
  } catch {
    return null;
  }
}

export function offeredSubprotocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

export interface HandshakeAuth {
  /** The decoded authorization headers (empty when none were sent or they were malformed). */
  headers: Record<string, string>;
  /** The bytes a SigV4 connection signature covers: the `payload` query parameter, else `{}`. */
  body: string;
  /** Request path the connection signature covers: `<graphql path>/connect`. */
  connectPath: string;
  /** The GraphQL endpoint path (`/graphql` for `/graphql/realtime`); start messages are signed for it. */
  graphqlPath: string;
  source: 'subprotocol' | 'query' | 'none';
}

/**
 * Reads the handshake's authorization: the `header-` subprotocol wins over the `header` query
 * parameter. `graphqlPath` overrides the path derived from the request (`…/realtime` stripped).
 */
export function handshakeAuth(req: IncomingMessage, graphqlPath?: string): HandshakeAuth {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const derived = url.pathname.endsWith('/realtime') ? url.pathname.slice(0, -'/realtime'.length) || '/' : url.pathname;
  const base = graphqlPath ?? derived;
  const payloadText = url.searchParams.get('payload');
  const payloadJson = payloadText ? Buffer.from(payloadText.replace(/ /g, '+'), 'base64').toString('utf8') : '';
  const body = payloadJson.length > 0 ? payloadJson : '{}';
  const sub = offeredSubprotocols(req).find((p) => p.startsWith(HEADER_SUBPROTOCOL_PREFIX));
  const fromSub = sub ? decodeHeaderMap(sub.slice(HEADER_SUBPROTOCOL_PREFIX.length)) : null;
  const fromQuery = fromSub ? null : decodeHeaderMap(url.searchParams.get('header'));
  const headers = fromSub ?? fromQuery ?? {};
  return {
    headers,
    body,
    connectPath: `${base.replace(/\/$/, '')}/connect`,
    graphqlPath: base,
    source: fromSub ? 'subprotocol' : fromQuery ? 'query' : 'none',
  };
}
