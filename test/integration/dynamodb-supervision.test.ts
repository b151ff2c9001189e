// DynamoDB Local as the local stack runs it: reachable from this machine only, and supervised. A
// JVM killed mid-load is reported once, clients get clean ServiceUnavailable errors meanwhile (no
// internal address), it comes back with its data, and no acknowledged write is lost.
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authSettingsFromEnv } from '../../local/appsync/auth/index.ts';
import { freePort } from '../../local/dynamodb/lifecycle.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { startStreamPoller } from '../../local/streams/poller.ts';
import { fixtureManifest } from '../fixtures/runtime-app/manifest.ts';
import { createClient } from '../support/client.ts';

const root = resolve(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'sl-sup-'));
const auth = authSettingsFromEnv({}, { dataDir });
const logs: string[] = [];
const fatal: string[] = [];
let stack: LocalStack;

// One stack, data on disk, for both the exposure check and the crash.
beforeAll(async () => {
  stack = await startLocalStack({
    root,
    manifest: fixtureManifest,
    schemaFile: join(root, 'test/fixtures/runtime-app/schema.graphql'),
    appsyncFile: join(root, 'schema/appsync.graphql'),
    auth,
    dataDir,
    tablePrefix: 'sup',
    log: (line) => logs.push(line),
    onDynamoDbFatal: (m) => fatal.push(m),
  });
});

afterAll(async () => {
  await stack?.stop();
});

function tryConnect(host: string, port: number): Promise<'connected' | string> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      done('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      done('timeout');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

describe('network exposure', () => {
  it('accepts connections on loopback only: a connect to a non-loopback address of this machine fails', async () => {
    const ddb = stack.dynamodb;
    expect(ddb.loopbackOnly).toBe(true);
    expect(await tryConnect('127.0.0.1', ddb.port)).toBe('connected');
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && !a.address.startsWith('fe80'))
      .map((a) => a!.address);
    // This machine has one (a container's eth0 at least); without any, the check above is all there is.
    for (const address of external) expect(`${address}: ${await tryConnect(address, ddb.port)}`).toBe(`${address}: ECONNREFUSED`);
  });
});

describe('the stream poller on a stopped DynamoDB', () => {
  it('reports the failure once and backs off instead of logging every 500 ms', async () => {
    const lines: string[] = [];
    const port = await freePort();
    const poller = startStreamPoller({
      endpoint: `http://127.0.0.1:${port}`,
      streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x',
      handler: async () => {},
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      retryAttempts: 0,
      bisectBatchOnError: false,
      log: (line) => lines.push(line),
    });
    await new Promise((r) => setTimeout(r, 2500));
    await poller.stop();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^stream poller: .*ECONNREFUSED.*retrying with backoff/);
  });
});

describe('supervision', () => {
  it('a JVM killed mid-load: one report, clean errors, restart with its data, no acknowledged write lost', async () => {
    const gql = createClient(stack.api.graphqlUrl, auth);

    const acknowledged: string[] = [];
    const failures: { errorType: string | null; message: string }[] = [];
    let killedAt = -1;
    let n = 0;
    const firstPid = stack.dynamodb.process.pid;
    const deadline = Date.now() + 90_000;
    // Writes one after another; the JVM is killed after the 20th acknowledged write; the loop goes
    // on until writes have succeeded again 20 times after the kill.
    while (Date.now() < deadline) {
      const id = `w${(n += 1)}`;
      const out = await gql('mutation($id: ID!) { putNote(id: $id, title: "t") { id } }', { id });
      if (out.errors) failures.push(...out.errors);
      else acknowledged.push(id);
      if (killedAt < 0 && acknowledged.length === 20) {
        killedAt = acknowledged.length;
        stack.dynamodb.process.kill('SIGKILL');
      }
      if (killedAt >= 0 && acknowledged.length >= killedAt + 20) break;
      if (out.errors) await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`supervision: ${acknowledged.length} acknowledged writes, ${failures.length} clean failures while down;`, logs.join(' | '));
    expect(fatal).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      expect(f.errorType).toBe('DynamoDB:ServiceUnavailable');
      expect(f.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}\b/);
    }
    expect(stack.dynamodb.process.pid).not.toBe(firstPid);
    // One line when it died, one when it was back: not a line per failed request.
    expect(logs).toEqual([expect.stringMatching(/^splitloop: DynamoDB Local \(pid \d+\) was killed \(SIGKILL\); restarting it with its data on disk/), expect.stringMatching(/^splitloop: DynamoDB Local is back/)]);

    const ids = acknowledged.map((id, i) => `n${i}: note(id: "${id}") { id }`);
    const read = await gql(`query { ${ids.join(' ')} }`);
    expect(read.errors).toBeUndefined();
    expect(Object.values(read.data!).filter((v) => v === null)).toEqual([]);
  }, 180_000);
});
