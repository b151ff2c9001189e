// vitest globalSetup: one DynamoDB Local JVM per vitest worker slot, shared by the test files that
// run one after another in that slot (each with its own tables), instead of a JVM per file: a JVM
// costs seconds of CPU to start and runs slowly until its JIT has warmed up.
// The JVMs start lazily, when a file first asks (test/support/dynamodb.ts), so runs of unit tests
// alone start none; they are stopped when the run ends. Files that kill, restart or persist their
// DynamoDB Local (supervision, crash recovery, `splitloop start`) still start their own.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb/lifecycle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of the broker: GET /endpoint?slot=N answers the slot's DynamoDB Local endpoint. */
    dynamoDbBroker: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const jvms = new Map<string, Promise<DynamoDbLocal>>();
  const server = createServer((req, res) => {
    const slot = new URL(req.url ?? '/', 'http://x').searchParams.get('slot') ?? '0';
    let jvm = jvms.get(slot);
    if (!jvm) {
      jvm = startDynamoDbLocal({ inMemory: true, startTimeoutMs: 180_000 });
      jvms.set(slot, jvm);
      // A failed start is reported to every file that asks, not retried by each.
    }
    jvm.then(
      (d) => res.writeHead(200, { 'content-type': 'text/plain' }).end(d.endpoint),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : String(error)),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  project.provide('dynamoDbBroker', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
    await Promise.all([...jvms.values()].map(async (jvm) => (await jvm.catch(() => undefined))?.stop()));
  };
}
