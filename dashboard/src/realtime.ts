// A small client of AppSync's realtime WebSocket protocol (subprotocol `graphql-ws`), enough for
// the dashboard's subscription: one socket shared by all subscriptions, opened on demand.
//
//   connect  <realtimeUrl>?header=<base64 JSON {host, Authorization | x-api-key}>&payload=e30=
//   client   {type: connection_init}                       server {type: connection_ack, payload: {connectionTimeoutMs}}
//   client   {type: start, id, payload: {data: JSON {query, variables}, extensions: {authorization: headers}}}
//   server   {type: start_ack, id} · {type: data, id, payload: {data}} · {type: error, id, payload: {errors}} · {type: ka}
//   client   {type: stop, id}                               server {type: complete, id}
//
// Failures (no ack within 15 s, connection_error, a closed socket, no keep-alive within the
// server's connectionTimeoutMs) reach each subscription's `error`, so the caller can fall back.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface RealtimeError {
  errorType: string;
  message: string;
}

export interface SubscriptionObserver<T> {
  /** The server acknowledged the subscription (start_ack): data will flow from now on. */
  started?(): void;
  next(data: T): void;
  /** The subscription ended abnormally; it is gone and will not receive data. */
  error(error: RealtimeError): void;
}

/** The part of the WebSocket API the client uses (the browser's, or `ws` in Node tests). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface RealtimeClientOptions {
  /** ws:// or wss:// endpoint, e.g. ws://localhost:4000/graphql/realtime. */
  realtimeUrl: string;
  /** Host of the GraphQL endpoint, sent as `host` in the authorization headers. */
  graphqlHost: string;
  /** Authorization headers without host: `{Authorization: <jwt>}` or `{'x-api-key': key}`. */
  authHeaders(): Promise<Record<string, string>> | Record<string, string>;
  WebSocket?: WebSocketConstructor;
  /** connection_ack and start_ack timeout (AppSync clients use 15 s). */
  ackTimeoutMs?: number;
}

interface Subscription {
  id: string;
  observer: SubscriptionObserver<unknown>;
  sent: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

const OPEN = 1;

function base64Json(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** A random v4-style id that also works outside secure contexts (where crypto.randomUUID is missing). */
export function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** AppSync's realtime URL for a GraphQL URL: `appsync-api` → `appsync-realtime-api`, else `<url>/realtime`; ws(s). */
export function realtimeUrlFor(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  if (url.hostname.includes('.appsync-api.')) url.hostname = url.hostname.replace('.appsync-api.', '.appsync-realtime-api.');
  else url.pathname = `${url.pathname.replace(/\/$/, '')}/realtime`;
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

export class AppSyncRealtimeClient {
  private socket: WebSocketLike | undefined;
  private acked = false;
  private connecting: Promise<void> | undefined;
  private readonly subs = new Map<string, Subscription>();
  private keepAliveTimer: ReturnType<typeof setTimeout> | undefined;
  private keepAliveMs = 300_000;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly ackTimeoutMs: number;

  constructor(private readonly options: RealtimeClientOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 15_000;
  }

  /** Starts a subscription; returns the function that stops it. */
  subscribe<R, V>(document: TypedDocumentNode<R, V>, variables: V, observer: SubscriptionObserver<R>): () => void {
    const sub: Subscription = { id: randomId(), observer: observer as SubscriptionObserver<unknown>, sent: false };
    this.subs.set(sub.id, sub);
    clearTimeout(this.idleTimer);
    void this.start(sub, print(document), variables);
    return () => this.stop(sub.id);
  }

  /** True while the socket is open and acknowledged. */
  get connected(): boolean {
    return this.acked && this.socket?.readyState === OPEN;
  }

  close(): void {
    for (const id of [...this.subs.keys()]) this.stop(id);
    this.teardown();
  }

  private async start(sub: Subscription, query: string, variables: unknown): Promise<void> {
    try {
      await this.ensureConnected();
    } catch (error) {
      this.fail(sub.id, toRealtimeError(error, 'ConnectionFailed'));
      return;
    }
    if (!this.subs.has(sub.id)) return;
    let headers: Record<string, string>;
    try {
      headers = { ...(await this.options.authHeaders()), host: this.options.graphqlHost };
    } catch (error) {
      this.fail(sub.id, toRealtimeError(error, 'Unauthorized'));
      return;
    }
    if (!this.subs.has(sub.id) || !this.connected) {
      this.fail(sub.id, { errorType: 'ConnectionClosed', message: 'the realtime connection closed before the subscription started' });
      return;
    }
    sub.timer = setTimeout(
      () => this.fail(sub.id, { errorType: 'StartAckTimeout', message: `no start_ack within ${this.ackTimeoutMs} ms` }),
      this.ackTimeoutMs,
    );
    sub.sent = true;
    this.send({ id: sub.id, type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization: headers } } });
  }

  private stop(id: string): void {
    const sub = this.subs.get(id);
    if (!sub) return;
    clearTimeout(sub.timer);
    this.subs.delete(id);
    if (sub.sent && this.connected) this.send({ type: 'stop', id });
    this.closeWhenIdle();
  }

  private fail(id: string, error: RealtimeError): void {
    const sub = this.subs.get(id);
    if (!sub) return;
    clearTimeout(sub.timer);
    this.subs.delete(id);
    if (sub.sent && this.connected) this.send({ type: 'stop', id });
    sub.observer.error(error);
    this.closeWhenIdle();
  }

  private closeWhenIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.subs.size === 0) this.idleTimer = setTimeout(() => this.subs.size === 0 && this.teardown(), 1000);
  }

  private send(message: unknown): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private ensureConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const headers = { ...(await this.options.authHeaders()), host: this.options.graphqlHost };
    const url = new URL(this.options.realtimeUrl);
    url.searchParams.set('header', base64Json(headers));
    url.searchParams.set('payload', 'e30=');
    const Ctor = this.options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
    if (!Ctor) throw { errorType: 'Unsupported', message: 'this environment has no WebSocket' } satisfies RealtimeError;

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: RealtimeError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          this.teardown();
          reject(error);
        } else resolve();
      };
      const timer = setTimeout(() => settle({ errorType: 'ConnectionAckTimeout', message: `no connection_ack within ${this.ackTimeoutMs} ms` }), this.ackTimeoutMs);
      let socket: WebSocketLike;
      try {
        socket = new Ctor(url.href, ['graphql-ws']);
      } catch (error) {
        settle(toRealtimeError(error, 'ConnectionFailed'));
        return;
      }
      this.socket = socket;
      this.acked = false;
      socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init' }));
      socket.onerror = () => {
        /* the close event follows and carries the outcome */
      };
      socket.onclose = (event) => {
        if (this.socket !== socket) return;
        const error: RealtimeError = {
          errorType: 'ConnectionClosed',
          message: `the realtime connection closed${event.code ? ` (code ${event.code}${event.reason ? `: ${event.reason}` : ''})` : ''}`,
        };
        this.socket = undefined;
        this.acked = false;
        clearTimeout(this.keepAliveTimer);
        settle(error);
        for (const id of [...this.subs.keys()]) this.fail(id, error);
      };
      socket.onmessage = (event) => {
        let message: { type?: string; id?: string; payload?: Record<string, unknown> };
        try {
          message = JSON.parse(String(event.data)) as typeof message;
        } catch {
          return;
        }
        switch (message.type) {
          case 'connection_ack': {
            this.acked = true;
            const timeout = Number(message.payload?.connectionTimeoutMs);
            if (Number.isFinite(timeout) && timeout > 0) this.keepAliveMs = timeout;
            this.resetKeepAlive();
            settle();
            break;
          }
          case 'connection_error':
            settle(firstError(message.payload, 'ConnectionError'));
            break;
          case 'ka':
            this.resetKeepAlive();
            break;
          case 'start_ack': {
            const sub = message.id ? this.subs.get(message.id) : undefined;
            if (sub) {
              clearTimeout(sub.timer);
              sub.observer.started?.();
            }
            break;
          }
          case 'data': {
            const sub = message.id ? this.subs.get(message.id) : undefined;
            if (sub && message.payload?.data) sub.observer.next(message.payload.data);
            else if (sub && Array.isArray(message.payload?.errors)) this.fail(sub.id, firstError(message.payload, 'SubscriptionError'));
            break;
          }
          case 'error':
            if (message.id) this.fail(message.id, firstError(message.payload, 'SubscriptionError'));
            break;
          case 'complete':
            if (message.id) this.fail(message.id, { errorType: 'Completed', message: 'the server ended the subscription' });
            break;
          default:
            break;
        }
      };
    });
  }

  private resetKeepAlive(): void {
    clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = setTimeout(() => {
      const socket = this.socket;
      this.teardown();
      const error: RealtimeError = { errorType: 'KeepAliveTimeout', message: `no keep-alive from the server within ${this.keepAliveMs} ms` };
      for (const id of [...this.subs.keys()]) this.fail(id, error);
      socket?.close();
    }, this.keepAliveMs);
  }

  private teardown(): void {
    clearTimeout(this.keepAliveTimer);
    clearTimeout(this.idleTimer);
    const socket = this.socket;
    this.socket = undefined;
    this.acked = false;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.onerror = null;
      socket.onopen = null;
      try {
        socket.close(1000);
      } catch {
        /* already closed */
      }
    }
  }
}

function firstError(payload: Record<string, unknown> | undefined, fallbackType: string): RealtimeError {
  const errors = payload?.errors as { errorType?: string; message?: string }[] | undefined;
  const e = Array.isArray(errors) ? errors[0] : undefined;
  return { errorType: e?.errorType ?? fallbackType, message: e?.message ?? fallbackType };
}

function toRealtimeError(error: unknown, fallbackType: string): RealtimeError {
  if (error && typeof error === 'object' && 'errorType' in error && 'message' in error) return error as RealtimeError;
  return { errorType: fallbackType, message: error instanceof Error ? error.message : String(error) };
}
