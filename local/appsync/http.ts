// The HTTP face of the local API: POST /graphql (AppSync's request and error format), static
// files for everything else under GET, and the realtime WebSocket upgrade handed to its owner.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Duplex } from 'node:stream';

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
  /** Extra GET routes (exact path), e.g. a config document for the dashboard. */
  routes?: Record<string, Route>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'content-type, x-api-key, authorization, x-amz-date, x-amz-security-token, x-amz-content-sha256',
  'access-control-allow-methods': 'POST, GET, OPTIONS',
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...CORS, ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        fail(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

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

export function createHttpServer(handlers: HttpHandlers): Server {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (req.method === 'OPTIONS') return send(res, 204, '');
      if (url.pathname === '/graphql') {
        if (req.method !== 'POST') return send(res, 405, { errors: [{ errorType: 'MethodNotAllowed', message: 'Use POST for /graphql' }] });
        const body = await readBody(req);
        const out = await handlers.graphql(req, body);
        return send(res, out.status, out.body, out.headers);
      }
      if (req.method === 'GET') {
        const route = handlers.routes?.[url.pathname];
        if (route) {
          const r = await route(url);
          res.writeHead(r.status ?? 200, { 'content-type': r.contentType, 'cache-control': 'no-cache' });
          return res.end(r.body);
        }
        if (handlers.staticDir && serveStatic(handlers.staticDir, url.pathname, res)) return;
      }
      send(res, 404, { errors: [{ errorType: 'NotFound', message: `No route for ${req.method} ${url.pathname}` }] });
    } catch (error) {
      send(res, 400, { errors: [{ errorType: 'BadRequest', message: error instanceof Error ? error.message : String(error) }] });
    }
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/graphql/realtime' && handlers.upgrade) handlers.upgrade(req, socket, head);
    else socket.destroy();
  });
  return server;
}
