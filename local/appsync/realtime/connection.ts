// A realtime connection: the WebSocket upgrade, the handshake's authentication (done once, kept as
// a promise every start awaits), the connection_init timeout, keep-alives, and dropping a
// connection together with its subscriptions. What a connection's messages mean is server.ts's.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Principal, RequestHeaders, RequestInfo } from '../auth/index.ts';
import { connectionErrorMessage, handshakeAuth, KEEP_ALIVE_MESSAGE, SUBPROTOCOL, type HandshakeAuth, type ProtocolError } from './protocol.ts';
import type { Subscription } from './subscription.ts';

export interface Connection {
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

export function authFailure(error: unknown): ProtocolError | null {
  if (!(error instanceof Error)) return null;
  const candidate = error as Error & { errorType?: unknown; statusCode?: unknown };
  if (typeof candidate.errorType !== 'string') return null;
  return {
    errorType: candidate.errorType,
    message: error.message,
    ...(typeof candidate.statusCode === 'number' ? { errorCode: candidate.statusCode } : {}),
  };
}


export interface ConnectionsOptions {
  /** Authenticates the handshake's authorization headers (throws UnauthorizedError). */
  authenticate(headers: RequestHeaders, request: RequestInfo): Promise<Principal>;
  /** The GraphQL endpoint path signatures cover; default: the upgrade path without its `/realtime` suffix. */
  graphqlPath?: string;
  maxMessageBytes: number;
  keepAliveMs: number;
  initTimeoutMs: number;
  /** Counts open connections into stats.connections. */
  stats: { connections: number };
  isClosed(): boolean;
  report(error: unknown, context: string): void;
  onMessage(connection: Connection, data: RawData, isBinary: boolean): void;
  /** A connection went away: its subscriptions leave the registry. */
  onDrop(connection: Connection): void;
}

export function createConnections(options: ConnectionsOptions) {
  const { stats } = options;
  const connections = new Set<Connection>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    // AppSync answers `graphql-ws` even when the client also offers its `header-…` subprotocol.
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  const keepAlive = setInterval(() => {
    for (const connection of connections) if (connection.acknowledged) send(connection, KEEP_ALIVE_MESSAGE);
  }, options.keepAliveMs);
  keepAlive.unref();

  function send(connection: Connection, text: string): boolean {
    if (connection.closed || connection.ws.readyState !== WebSocket.OPEN) return false;
    connection.ws.send(text);
    return true;
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (options.isClosed()) {
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
          if (!failure) options.report(error, 'connection authentication');
          return { error: failure ?? { errorType: 'InternalFailure', message: 'An internal failure occurred while authorizing the connection.' } };
        },
      );
    const connection: Connection = { ws, handshake, sourceIp, auth, acknowledged: false, closed: false, initTimer: undefined, pending: new Set(), active: new Map() };
    // A socket that never initialises would otherwise hold its slot (and its memory) forever.
    connection.initTimer = setTimeout(() => {
      if (connection.acknowledged || connection.closed) return;
      send(connection, connectionErrorMessage([{ errorType: 'ConnectionTimeoutError', message: `No connection_init within ${options.initTimeoutMs} ms` }]));
      connection.ws.close(4408, 'Connection initialisation timeout');
      dropConnection(connection);
    }, options.initTimeoutMs);
    connection.initTimer.unref();
    connections.add(connection);
    stats.connections = connections.size;
    ws.on('message', (data: RawData, isBinary: boolean) => options.onMessage(connection, data, isBinary));
    ws.on('close', () => dropConnection(connection));
    ws.on('error', () => dropConnection(connection));
  }

  function dropConnection(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    clearTimeout(connection.initTimer);
    connection.pending.clear();
    options.onDrop(connection);
    connection.active.clear();
    connections.delete(connection);
    stats.connections = connections.size;
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

  /** Closes every socket (terminating those that do not close within a second) and the server. */
  async function closeAll(): Promise<void> {
    clearInterval(keepAlive);
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
    await new Promise<void>((done) => wss.close(() => done()));
  }

  return { handleUpgrade, send, dropConnection, refuse, authorizedConnection, closeAll };
}
