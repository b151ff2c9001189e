// A lean DynamoDB client for the data-source path to DynamoDB Local: the same `send(command)` as
// the AWS SDK's DynamoDBClient for the commands the data source uses, made as one keep-alive HTTP
// POST of DynamoDB's JSON protocol (awsJson1_0). It exists because the SDK's middleware stack,
// SigV4 signing and schema-driven (de)serialization were a quarter of the runtime's CPU per
// request; the wire format is the SDK's input and output shapes as JSON, so nothing else changes.
//
// What it keeps of the SDK, so callers see the same things: outputs shaped as the SDK's (binary
// values as bytes), errors as the SDK throws them (`name` from DynamoDB's `__type`, `message`,
// `$metadata.httpStatusCode` and `requestId`, the body's own fields such as CancellationReasons),
// socket errors as Node's, and the SDK's standard retries (3 attempts: throttling codes, 5xx,
// ECONNRESET/ECONNREFUSED/EPIPE/ETIMEDOUT, with its jittered backoff).
// What it drops: SigV4. DynamoDB Local does not check signatures (it is bound to loopback instead);
// the Authorization header still names the access key and region it stores data under.
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** What the data source needs of a client: the SDK's DynamoDBClient and LeanDynamoDbClient both fit. */
export type DynamoDbSender = Pick<DynamoDBClient, 'send'>;

const OPERATIONS = new Map<unknown, string>([
  [GetItemCommand, 'GetItem'],
  [PutItemCommand, 'PutItem'],
  [UpdateItemCommand, 'UpdateItem'],
  [DeleteItemCommand, 'DeleteItem'],
  [QueryCommand, 'Query'],
  [ScanCommand, 'Scan'],
  [BatchGetItemCommand, 'BatchGetItem'],
  [BatchWriteItemCommand, 'BatchWriteItem'],
  [TransactGetItemsCommand, 'TransactGetItems'],
  [TransactWriteItemsCommand, 'TransactWriteItems'],
]);

// @smithy/service-error-classification and @smithy/util-retry (standard mode), as the SDK retries.
const MAX_ATTEMPTS = 3;
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const RETRY_BASE_MS = 100;
const THROTTLING_BASE_MS = 500;
const MAX_DELAY_MS = 20_000;

/** An error as the SDK throws it for a DynamoDB exception. */
export class DynamoDbServiceError extends Error {
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number; requestId?: string; attempts: number; totalRetryDelay: number };
  [field: string]: unknown;

  constructor(name: string, message: string, status: number, requestId: string | undefined, body: Record<string, unknown>) {
    super(message);
    for (const [k, v] of Object.entries(body)) if (k !== '__type' && k !== 'message' && k !== 'Message') this[k] = v;
    this.name = name;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, requestId, attempts: 1, totalRetryDelay: 0 };
  }
}

/** The SDK's full-jitter exponential backoff; resolves with the delay waited. */
async function backoff(attempt: number, throttled: boolean): Promise<number> {
  const delay = Math.floor(Math.min(MAX_DELAY_MS, Math.random() * 2 ** attempt * (throttled ? THROTTLING_BASE_MS : RETRY_BASE_MS)));
  await new Promise((r) => setTimeout(r, delay));
  return delay;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Binary attribute values travel as base64 text, as in the SDK's JSON protocol. */
function encode(input: unknown): string {
  return JSON.stringify(input, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') : value;
  });
}

/** `B` and `BS` hold strings only as attribute values (an attribute named "B" holds an object). */
function decode(text: string): Record<string, unknown> {
  if (text === '') return {};
  try {
    if (!text.includes('"B')) return JSON.parse(text) as Record<string, unknown>;
    return JSON.parse(text, (key, value: unknown) => {
      if (key === 'B' && typeof value === 'string') return new Uint8Array(Buffer.from(value, 'base64'));
      if (key === 'BS' && Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v: string) => new Uint8Array(Buffer.from(v, 'base64')));
      return value;
    }) as Record<string, unknown>;
  } catch {
    return { message: text.slice(0, 200) }; // not JSON (a proxy's or a crashing server's page)
  }
}

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` -> `ConditionalCheckFailedException`. */
function errorName(headers: IncomingHttpHeaders, body: Record<string, unknown>): string {
  const raw = (headers['x-amzn-errortype'] as string | undefined) ?? (typeof body.__type === 'string' ? body.__type : undefined) ?? (typeof body.code === 'string' ? body.code : undefined);
  if (!raw) return 'UnknownError';
  return raw.split(':')[0]!.split('#').pop()!;
}

export interface LeanDynamoDbClientOptions {
  endpoint: string;
  region: string;
  accessKeyId: string;
}

export class LeanDynamoDbClient {
  private readonly url: URL;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly authorization: string;

  constructor(options: LeanDynamoDbClientOptions) {
    this.url = new URL(options.endpoint);
    this.authorization = `AWS4-HMAC-SHA256 Credential=${options.accessKeyId}/20000101/${options.region}/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-target, Signature=0`;
  }

  /** The SDK's send, for the commands in OPERATIONS. */
  readonly send = (async (command: { input: unknown }) => {
    const operation = OPERATIONS.get(command.constructor);
    if (!operation) throw new Error(`LeanDynamoDbClient: ${command.constructor.name} is not supported`);
    const body = encode(command.input);
    let totalRetryDelay = 0;
    for (let attempt = 1; ; attempt += 1) {
      let reply: Reply;
      try {
        reply = await this.post(operation, body);
      } catch (error) {
        // Node's socket error, as the SDK lets it through once its retries are spent (with its $metadata).
        if (attempt >= MAX_ATTEMPTS || !SOCKET_CODES.has((error as { code?: string }).code ?? '')) {
          if (error instanceof Error) Object.assign(error, { $metadata: { attempts: attempt, totalRetryDelay } });
          throw error;
        }
        totalRetryDelay += await backoff(attempt, false);
        continue;
      }
      const parsed = decode(reply.text);
      const requestId = reply.headers['x-amzn-requestid'] as string | undefined;
      if (reply.status < 300) return { ...parsed, $metadata: { httpStatusCode: reply.status, requestId, attempts: attempt, totalRetryDelay } };
      const name = errorName(reply.headers, parsed);
      const message = String(parsed.message ?? parsed.Message ?? 'UnknownError');
      const error = new DynamoDbServiceError(name, message, reply.status, requestId, parsed);
      error.$metadata.attempts = attempt;
      error.$metadata.totalRetryDelay = totalRetryDelay;
      const throttled = reply.status === 429 || THROTTLING.has(name);
      const transient = TRANSIENT.has(name) || TRANSIENT_STATUS.has(reply.status);
      if (attempt >= MAX_ATTEMPTS || !(throttled || transient)) throw error;
      totalRetryDelay += await backoff(attempt, throttled);
    }
  }) as unknown as DynamoDBClient['send'];

  private post(operation: string, body: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          agent: this.agent,
          hostname: this.url.hostname,
          port: this.url.port,
          path: this.url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': `DynamoDB_20120810.${operation}`,
            authorization: this.authorization,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.setEncoding('utf8');
          let text = '';
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  destroy(): void {
    this.agent.destroy();
  }
}
