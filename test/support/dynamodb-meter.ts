// A metering proxy in front of DynamoDB Local: every DynamoDB call of the app (Lambdas and JS
// resolvers alike, whatever client they use) passes through it and is counted by operation, with
// the capacity it consumed. It asks for ReturnConsumedCapacity=TOTAL on calls that did not, and
// reads (never alters) the answers, so clients see DynamoDB Local's exact bytes and checksums.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MeterReading {
  /** Operations in the order they were answered, e.g. ['Query', 'GetItem']. */
  calls: string[];
  readUnits: number;
  writeUnits: number;
}

export interface DynamoDbMeter {
  endpoint: string;
  /** Sends what the proxy receives to `target` (DynamoDB Local's endpoint) and returns the proxy's endpoint. */
  route(target: string): string;
  /** What was counted since the last reset. */
  reading(): MeterReading;
  reset(): void;
  close(): Promise<void>;
}

/** Operations that accept ReturnConsumedCapacity. */
const METERED = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems']);

const readAll = (stream: IncomingMessage) =>
  new Promise<Buffer>((done, fail) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => done(Buffer.concat(chunks)));
    stream.on('error', fail);
  });

interface Consumed {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** Starts the proxy; `route` names DynamoDB Local (cli/app.ts `dynamoDbGateway: (e) => meter.route(e)`). */
export async function startDynamoDbMeter(target?: string): Promise<DynamoDbMeter> {
  let upstream = new URL(target ?? 'http://127.0.0.1:1');
  let reading: MeterReading = { calls: [], readUnits: 0, writeUnits: 0 };
  const server: Server = createServer((req, res) => {
    void (async () => {
      let body = await readAll(req);
      const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (METERED.has(op) && body.length) {
        const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        if (!input.ReturnConsumedCapacity || input.ReturnConsumedCapacity === 'NONE') {
          input.ReturnConsumedCapacity = 'TOTAL';
          body = Buffer.from(JSON.stringify(input));
        }
      }
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, async (answer) => {
        const out = await readAll(answer);
        if (op) {
          reading.calls.push(op);
          try {
            const parsed = JSON.parse(out.toString('utf8')) as { ConsumedCapacity?: Consumed | Consumed[] };
            const list = Array.isArray(parsed.ConsumedCapacity) ? parsed.ConsumedCapacity : parsed.ConsumedCapacity ? [parsed.ConsumedCapacity] : [];
            // Reads and writes apart (DynamoDB Local reports CapacityUnits; the operation says which).
            const writes = /Put|Update|Delete|Write/.test(op);
            for (const c of list) {
              if (writes) reading.writeUnits += c.WriteCapacityUnits ?? c.CapacityUnits ?? 0;
              else reading.readUnits += c.ReadCapacityUnits ?? c.CapacityUnits ?? 0;
            }
          } catch {
            // not JSON (an HTML error page from a dying JVM): counted, no capacity
          }
        }
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        res.end(out);
      });
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(body);
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    route: (to) => {
      upstream = new URL(to);
      return endpoint;
    },
    reading: () => ({ ...reading, calls: [...reading.calls] }),
    reset: () => {
      reading = { calls: [], readUnits: 0, writeUnits: 0 };
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
