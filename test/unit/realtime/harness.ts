// Test harness for the realtime server: a tiny AppSync-like API over loopback (POST /graphql that
// runs a `publish(input)` mutation and fans its result out, plus the /graphql/realtime upgrade),
// real auth settings, and a raw WebSocket client that queues what the server sends.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, execute, parse, type GraphQLSchema } from 'graphql';
import { WebSocket } from 'ws';
import {
  authenticate,
  authSettingsFromEnv,
  buildAuthRules,
  isAllowed,
  isUnauthorizedError,
  type AuthSettings,
  type Principal,
} from '../../../local/appsync/auth/index.ts';
import { installAppSyncScalars } from '../../../local/appsync/scalars.ts';
import { createRealtimeServer, type RealtimeServer, type RealtimeServerOptions } from '../../../local/appsync/realtime/index.ts';

const APPSYNC_SDL = readFileSync(join(import.meta.dirname, '../../../schema/appsync.graphql'), 'utf8');

export const TEST_SDL = /* GraphQL */ `
  type Nested @aws_api_key @aws_cognito_user_pools {
    name: String
    rank: Int
  }

  type Item @aws_api_key @aws_cognito_user_pools @aws_iam {
    id: ID!
    owner: String
    severity: Int
    tags: [String]
    nested: Nested
    meta: AWSJSON
    secret: String @aws_cognito_user_pools
  }

  input NestedInput {
    name: String
    rank: Int
  }

  input ItemInput {
    id: ID!
    owner: String
    severity: Int
    tags: [String]
    nested: NestedInput
    meta: AWSJSON
    secret: String
  }

  type Query {
    ping: String
  }

  type Mutation {
    publish(input: ItemInput!): Item @aws_api_key @aws_cognito_user_pools @aws_iam
    other(input: ItemInput!): Item @aws_api_key
  }

  type Subscription {
    onPublish(id: ID, owner: String): Item
      @aws_subscribe(mutations: ["publish"])
      @aws_api_key
      @aws_cognito_user_pools
      @aws_iam
    onFiltered(minSeverity: Int): Item @aws_subscribe(mutations: ["publish"]) @aws_api_key
    onPrivate: Item @aws_subscribe(mutations: ["publish"]) @aws_cognito_user_pools
    onAny: Item @aws_subscribe(mutations: ["publish", "other"]) @aws_api_key @aws_cognito_user_pools
  }
`;

export function testSchema(sdl = TEST_SDL): GraphQLSchema {
  const schema = buildSchema(`${APPSYNC_SDL}\n${sdl}`);
  installAppSyncScalars(schema);
  return schema;
}

export interface Harness {
  port: number;
  graphqlUrl: string;
  realtimeUrl: string;
  settings: AuthSettings;
  apiKey: string;
  schema: GraphQLSchema;
  realtime: RealtimeServer;
  server: Server;
  close(): Promise<void>;
}

export type HarnessOptions = Partial<Omit<RealtimeServerOptions, 'schema' | 'authenticate' | 'allowed'>>;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'splitloop-realtime-'));
  const settings = authSettingsFromEnv({}, { dataDir });
  const schema = testSchema();
  const rules = buildAuthRules(schema, settings);
  const realtime = createRealtimeServer({
    schema,
    authenticate: (headers, request) => authenticate(headers, request, settings),
    allowed: (principal, typeName, fieldName) => isAllowed(rules, typeName, fieldName, principal),
    ...options,
  });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !req.url?.startsWith('/graphql')) return reply(404, { errors: [{ message: 'not found' }] });
      const body = Buffer.concat(chunks);
      let principal: Principal;
      try {
        principal = await authenticate(req.headers, { method: 'POST', path: req.url, body, sourceIp: req.socket.remoteAddress }, settings);
      } catch (error) {
        if (!isUnauthorizedError(error)) throw error;
        return reply(error.statusCode, error.toResponse().body);
      }
      const request = JSON.parse(body.toString('utf8')) as { query: string; variables?: Record<string, unknown>; operationName?: string };
      const document = parse(request.query);
      const result = await execute({
        schema,
        document,
        variableValues: request.variables,
        operationName: request.operationName,
        rootValue: {
          publish: ({ input }: { input: Record<string, unknown> }) => {
            realtime.publish('publish', input, document);
            return input;
          },
          other: ({ input }: { input: Record<string, unknown> }) => {
            realtime.publish('other', input, document);
            return input;
          },
        },
        fieldResolver: (source, args, _ctx, info) => {
          if (!isAllowed(rules, info.parentType.name, info.fieldName, principal)) throw new Error(`Not Authorized to access ${info.fieldName} on type ${info.parentType.name}`);
          const value = (source as Record<string, unknown>)[info.fieldName];
          return typeof value === 'function' ? (value as (a: unknown) => unknown)(args) : value;
        },
      });
      reply(200, result);
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname === '/graphql/realtime') realtime.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    graphqlUrl: `http://127.0.0.1:${port}/graphql`,
    realtimeUrl: `ws://127.0.0.1:${port}/graphql/realtime`,
    settings,
    apiKey: settings.apiKeys[0]!,
    schema,
    realtime,
    server,
    async close() {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

export function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export interface Message {
  type: string;
  id?: string;
  payload?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A raw protocol client: queues every message; `next` waits for the next one (skipping `ka` unless asked for). */
export class RawClient {
  readonly messages: Message[] = [];
  private readonly waiters: (() => void)[] = [];
  closeCode: number | undefined;
  readonly protocol: Promise<string>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Message);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    this.protocol = new Promise((done, fail) => {
      ws.once('open', () => done(ws.protocol));
      ws.once('error', fail);
    });
  }

  static async open(url: string, protocols: string[] = ['graphql-ws']): Promise<RawClient> {
    const client = new RawClient(new WebSocket(url, protocols));
    await client.protocol;
    return client;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Removes and returns the first queued message matching, waiting up to `timeoutMs`. */
  async next(match: string | ((m: Message) => boolean) = (m) => m.type !== 'ka', timeoutMs = 3000): Promise<Message> {
    const test = typeof match === 'string' ? (m: Message) => m.type === match : match;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex(test);
      if (index >= 0) return this.messages.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0 || this.closeCode !== undefined) {
        throw new Error(`no matching message within ${timeoutMs} ms; queued: ${JSON.stringify(this.messages)}; close: ${this.closeCode}`);
      }
      await new Promise<void>((done) => {
        const timer = setTimeout(done, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          done();
        });
      });
    }
  }

  /** Waits `ms` and returns the non-ka messages that arrived (and removes them). */
  async drain(ms: number): Promise<Message[]> {
    await new Promise((done) => setTimeout(done, ms));
    const out = this.messages.filter((m) => m.type !== 'ka');
    this.messages.length = 0;
    return out;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((done) => {
      this.ws.once('close', () => done());
      this.ws.close();
    });
  }
}

export function apiKeyHeaders(harness: Harness, key = harness.apiKey): Record<string, string> {
  return { host: `127.0.0.1:${harness.port}`, 'x-amz-date': '20250101T000000Z', 'x-api-key': key };
}

/** Opens a connection authorized with `headers` through the `header` query parameter and acknowledges it. */
export async function connectWithQuery(harness: Harness, headers: Record<string, string>): Promise<RawClient> {
  const client = await RawClient.open(`${harness.realtimeUrl}?header=${encodeURIComponent(b64(headers))}&payload=e30=`);
  client.send({ type: 'connection_init' });
  return client;
}

export function startMessage(id: string, query: string, variables: Record<string, unknown>, authorization: Record<string, string>) {
  return { id, type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization } } };
}

/** POSTs a GraphQL request to the harness with an API key. */
export async function post(harness: Harness, query: string, variables: Record<string, unknown> = {}, headers?: Record<string, string>): Promise<unknown> {
  const res = await fetch(harness.graphqlUrl, {
    method: 'POST',
    headers: headers ?? { 'content-type': 'application/json', 'x-api-key': harness.apiKey },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}
