// The HTTP face of the local API: POST /graphql (AppSync's request and error format), static
// files for everything else under GET, and the realtime WebSocket upgrade handed to its owner.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Duplex } from 'node:stream';
import { hostAllowed, LOOPBACK_ONLY, originAllowed, type OriginPolicy } from './origin-policy.ts';

export interface RouteResponse {
  contentType: string;
  body: string;
  /** Default 200. */
  status?: number;
}

/** An extra GET route: the request's URL in (query parameters included), a document out. */
export type Route = (url: URL) => RouteResponse | Promise<RouteResponse>;

export interface HttpHandlers {
  graphql(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers?: Record<string, string>; body: unknown }>;
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  staticDir?: string;
  /**
   * Extra GET routes (exact path), e.g. a config document for the dashboard. They may carry
   * credentials, so they are served to same-origin requests only and never with CORS headers.
   */
  routes?: Record<string, Route>;
  /** Hosts and browser origins accepted besides loopback ones (default: loopback only). */
  origins?: OriginPolicy;
}

/** AppSync's request size limit (1 MB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** After a 413, how much more of the body is read (and dropped) so the client sees the answer, not a reset. */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** CORS headers for an allowed origin (echoed, never `*`); none for a request without Origin. */
function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin) return { vary: 'Origin' };
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-headers': 'content-type, x-api-key, authorization, x-amz-date, x-amz-security-token, x-amz-content-sha256, x-amz-user-agent',
    'access-control-allow-methods': 'POST, GET, OPTIONS',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(text);
}

class PayloadTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      fail(new PayloadTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        fail(new PayloadTooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

/** Answers 413 and reads the rest of the body into nothing (up to a cap), so the client gets the answer. */
function payloadTooLarge(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
  let drained = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAIN_BYTES) req.destroy();
  });
  req.resume();
  // AppSync's limit; the errorType is our choice of AppSync's naming (the service's exact body is unverified).
  send(res, 413, { errors: [{ errorType: 'PayloadTooLargeException', message: `The request body is larger than AppSync's limit of ${MAX_BODY_BYTES} bytes (1 MB).` }] }, {
    ...headers,
    connection: 'close',
  });
}

function forbidden(what: string): { errors: { errorType: string; message: string }[] } {
  return { errors: [{ errorType: 'ForbiddenException', message: what }] };
}

const HOST_HINT = 'The local API answers loopback names only (localhost, 127.0.0.1, [::1]); set SPLITLOOP_ALLOWED_HOSTS to add one.';
const ORIGIN_HINT = 'The local API answers pages served from loopback origins only; set SPLITLOOP_ALLOWED_ORIGINS to add one.';

function serveStatic(dir: string, urlPath: string, res: ServerResponse): boolean {
  const clean = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, '');
  let file = join(dir, clean);
  if (!file.startsWith(dir)) return false;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) file = join(dir, 'index.html'); // single-page app: unknown paths load the page
  if (!existsSync(file)) return false;
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
  res.end(readFileSync(file));
  return true;
}

/** Whether a request comes from the server's own pages (or from no page at all: curl, scripts). */
function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

/** Why a request must be refused (bad Host, or an Origin not allowed); null when it may proceed. */
function refusal(req: IncomingMessage, policy: OriginPolicy): string | null {
  if (!hostAllowed(policy, req.headers.host)) return `Host "${req.headers.host ?? ''}" is not allowed. ${HOST_HINT}`;
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(policy, origin)) return `Origin "${origin}" is not allowed. ${ORIGIN_HINT}`;
  return null;
}

export function createHttpServer(handlers: HttpHandlers): Server {
  const policy = handlers.origins ?? LOOPBACK_ONLY;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = refusal(req, policy);
    if (refused) {
      req.resume();
      return send(res, 403, forbidden(refused), { vary: 'Origin' });
    }
    const cors = corsHeaders(req.headers.origin);
    try {
      if (req.method === 'OPTIONS') return send(res, 204, '', cors);
      if (url.pathname === '/graphql') {
        if (req.method !== 'POST') return send(res, 405, { errors: [{ errorType: 'MethodNotAllowed', message: 'Use POST for /graphql' }] }, cors);
        let body: Buffer;
        try {
          body = await readBody(req);
        } catch (error) {
          if (error instanceof PayloadTooLarge) return payloadTooLarge(req, res, cors);
          throw error;
        }
        const out = await handlers.graphql(req, body);
        return send(res, out.status, out.body, { ...cors, ...out.headers });
      }
      if (req.method === 'GET') {
        const route = handlers.routes?.[url.pathname];
        if (route) {
          if (!sameOrigin(req)) return send(res, 403, forbidden(`${url.pathname} is served to this server's own pages only.`), { vary: 'Origin' });
          const r = await route(url);
          res.writeHead(r.status ?? 200, { 'content-type': r.contentType, 'cache-control': 'no-store', vary: 'Origin' });
          return res.end(r.body);
        }
        if (handlers.staticDir && serveStatic(handlers.staticDir, url.pathname, res)) return;
      }
      send(res, 404, { errors: [{ errorType: 'NotFound', message: `No route for ${req.method} ${url.pathname}` }] }, cors);
    } catch (error) {
      send(res, 400, { errors: [{ errorType: 'BadRequest', message: error instanceof Error ? error.message : String(error) }] }, cors);
    }
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const refused = refusal(req, policy);
    if (refused) {
      // Browsers send Origin on every WebSocket handshake: a page elsewhere cannot open one.
      const body = JSON.stringify(forbidden(refused));
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    if (path === '/graphql/realtime' && handlers.upgrade) handlers.upgrade(req, socket, head);
    else socket.destroy();
  });
  return server;
}
