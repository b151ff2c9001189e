// Starts and stops the DynamoDB Local jar. One JVM per call; the caller owns its lifetime and must
// call stop(), which is also wired to process exit so no Java process outlives its parent.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { LAUNCHER_CLASS, loopbackLauncher } from './launcher.ts';
import { DynamoDbLocalMissingError, DynamoDbLocalStartError, JavaMissingError } from './errors.ts';

export const DEFAULT_JAR_DIR = resolve(import.meta.dirname, '..', '..', '.splitloop', 'dynamodb-local');

export interface DynamoDbLocalOptions {
  /** Keep data in memory (tests) or in `dataDir` (npm start). */
  inMemory?: boolean;
  dataDir?: string;
  port?: number;
  jarDir?: string;
  startTimeoutMs?: number;
  /** Listen on every interface, as DynamoDB Local does by itself (default: loopback only). */
  bindAllInterfaces?: boolean;
  /** The JVM's heap ceiling (default 512m): an in-memory table of a million items needs several GB. */
  maxHeap?: string;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The running JVM (replaced by restart()). */
  process: ChildProcess;
  /** Whether DynamoDB Local accepts connections from this machine only. */
  loopbackOnly: boolean;
  /** Why it is not loopback-only, when it is not (one line, for `npm start`). */
  exposure?: string;
  /** Whether data outlives the JVM (a data folder, not -inMemory). */
  persistent: boolean;
  /** Called once each time the JVM exits without stop() having been called. */
  onUnexpectedExit(listener: (exit: { code: number | null; signal: NodeJS.Signals | null; pid: number | undefined; output: string }) => void): void;
  /** Starts a new JVM with the same options and port (after an unexpected exit). */
  restart(): Promise<void>;
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
  const persistent = !(options.inMemory ?? !options.dataDir);
  const storage: string[] = [];
  if (!persistent) storage.push('-inMemory');
  else {
    mkdirSync(options.dataDir!, { recursive: true });
    storage.push('-dbPath', options.dataDir!);
  }
  const launcher = options.bindAllInterfaces ? { unavailable: 'bindAllInterfaces was asked for' } : loopbackLauncher();
  const main =
    'classDir' in launcher
      ? ['-cp', `${launcher.classDir}${delimiter}${join(jarDir, 'DynamoDBLocal.jar')}`, LAUNCHER_CLASS]
      : ['-jar', join(jarDir, 'DynamoDBLocal.jar')];
  const args = [
    '-Xms64m',
    `-Xmx${options.maxHeap ?? '512m'}`,
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    ...main,
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  installExitHook();

  const listeners: ((exit: { code: number | null; signal: NodeJS.Signals | null; pid: number | undefined; output: string }) => void)[] = [];
  let stopping = false;
  let child!: ChildProcess;
  let exited!: Promise<void>;

  async function launch(): Promise<void> {
    const proc = spawn('java', args, { cwd: jarDir, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(proc);
    let output = '';
    proc.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    proc.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    let exitCode: number | null | undefined;
    exited = new Promise<void>((done) =>
      proc.once('exit', (code, signal) => {
        running.delete(proc);
        exitCode = code;
        done();
        if (!stopping && proc === child) for (const l of listeners) l({ code, signal, pid: proc.pid, output });
      }),
    );
    child = proc;
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    while (!(await portAccepts(port))) {
      if (exitCode !== undefined) throw new DynamoDbLocalStartError(`DynamoDB Local exited with ${exitCode}: ${output}`);
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new DynamoDbLocalStartError(`DynamoDB Local did not listen on port ${port} in time: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  await launch();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    get process() {
      return child;
    },
    loopbackOnly: 'classDir' in launcher,
    ...('unavailable' in launcher ? { exposure: launcher.unavailable } : {}),
    persistent,
    onUnexpectedExit(listener) {
      listeners.push(listener);
    },
    async restart() {
      if (stopping) throw new Error('DynamoDB Local is stopping');
      if (child.exitCode === null && child.signalCode === null) {
        const old = child;
        const gone = exited;
        stopping = true;
        old.kill('SIGKILL');
        await gone;
        stopping = false;
      }
      await launch();
    },
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A DynamoDB Local that someone else runs (e.g. one JVM shared by a whole test run): there is no
 * process of ours to supervise, restart or stop, so stop() leaves it running.
 */
export function attachedDynamoDbLocal(endpoint: string): DynamoDbLocal {
  const url = new URL(endpoint);
  return {
    endpoint: endpoint.replace(/\/$/, ''),
    port: Number(url.port),
    get process(): ChildProcess {
      throw new Error(`DynamoDB Local at ${endpoint} was attached to, not started here: its process is not ours`);
    },
    loopbackOnly: ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname),
    persistent: false,
    onUnexpectedExit() {},
    async restart() {
      throw new Error(`DynamoDB Local at ${endpoint} was attached to, not started here: it cannot be restarted from here`);
    },
    async stop() {},
  };
}
