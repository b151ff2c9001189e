// Starts and stops the DynamoDB Local jar. One JVM per call; the caller owns its lifetime and must
// call stop(), which is also wired to process exit so no Java process outlives its parent.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDbLocalMissingError, DynamoDbLocalStartError, JavaMissingError } from './errors.ts';

export const DEFAULT_JAR_DIR = resolve(import.meta.dirname, '..', '..', '.splitloop', 'dynamodb-local');

export interface DynamoDbLocalOptions {
  /** Keep data in memory (tests) or in `dataDir` (npm start). */
  inMemory?: boolean;
  dataDir?: string;
  port?: number;
  jarDir?: string;
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function checkJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error) throw new JavaMissingError(probe.error.message);
  if (probe.status !== 0) throw new JavaMissingError(`java -version exited with ${probe.status}`);
  const match = /version "(\d+)/.exec(probe.stderr + probe.stdout);
  if (match && Number(match[1]) < 17) throw new JavaMissingError(`found Java ${match[1]}`);
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const jarDir = options.jarDir ?? DEFAULT_JAR_DIR;
  if (!existsSync(join(jarDir, 'DynamoDBLocal.jar'))) throw new DynamoDbLocalMissingError(jarDir);
  checkJava();
  const port = options.port ?? (await freePort());
  const storage: string[] = [];
  if (options.inMemory ?? !options.dataDir) storage.push('-inMemory');
  else {
    mkdirSync(options.dataDir!, { recursive: true });
    storage.push('-dbPath', options.dataDir!);
  }
  const args = [
    '-Xms64m',
    '-Xmx512m',
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jarDir, 'DynamoDBLocal.jar'),
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  const child = spawn('java', args, { cwd: jarDir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  installExitHook();
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.once('exit', () => running.delete(child));

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (!(await portAccepts(port))) {
    if (exitCode !== undefined) throw new DynamoDbLocalStartError(`DynamoDB Local exited with ${exitCode}: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new DynamoDbLocalStartError(`DynamoDB Local did not listen on port ${port} in time: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
