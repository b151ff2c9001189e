// The main thread's side of the evaluator workers (evaluator-worker.mjs): dispatches evaluations,
// and ends the ones that overrun their time or memory without touching the server.
//
//   runInWorker({ hash, source, scriptName, request, timeoutMs }): Promise<WorkerReply>
//
// Why workers: a handler runs in another V8 isolate with its own heap limit (`resourceLimits`), so
// an allocation loop ends that worker, not the process; an endless loop is ended by terminating the
// worker; and a stuck handler does not stop the main thread from serving other requests.
// The watchdog costs nothing while code finishes in time: one timer per worker, armed for the
// deadline of the evaluation at the head of its queue and only re-armed when it fires (Node's
// vm `timeout` option instead starts and joins a thread for every call: 48 µs each).
// Up to two workers (the second starts when the first is busy): one stuck handler leaves the
// other to serve everyone else.
// Evaluations sent to a worker in one turn of the event loop travel as one message (flushed by
// setImmediate): each postMessage wakes the worker thread, and under load those wake-ups were the
// main thread's largest single cost. The worker still answers each evaluation on its own, so the
// watchdog's view (the head of the queue, and how long it has run) is unchanged.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RUNTIME_SCRIPT_NAME, runtimeSource } from './runtime-bundle.ts';

export interface WorkerJob {
  hash: string;
  source: string;
  scriptName: string;
  /** `{fn, ctx, authType}` as JSON text. */
  request: string;
  timeoutMs: number;
}

export type WorkerReply =
  | { kind: 'result'; json: string }
  | { kind: 'compileError'; message: string }
  | { kind: 'stopped'; reason: 'timeout' | 'memory' | 'crash'; message: string };

/** The heap a worker may use: about 4× what its 64 cached contexts need. */
export const WORKER_HEAP_MB = 128;
const WORKERS = 2;
/** Building a context (runtime + lockdown, ~5 ms) is not the handler's time; this bounds it. */
const SETUP_LIMIT_MS = 30_000;
/** A worker whose current evaluation has run this long is only given work when every worker is busy. */
const SLOW_MS = 20;
const WORKER_FILE = fileURLToPath(new URL('./evaluator-worker.mjs', import.meta.url));

interface Pending {
  id: number;
  job: WorkerJob;
  resolve(reply: WorkerReply): void;
  /** When it reached the head of its worker's queue, or its context was built (performance.now()). */
  startedAt: number;
  /** The worker is building a context for it: the handler's clock has not started. */
  inSetup: boolean;
}

interface Reply {
  id: number;
  phase?: 'setup' | 'run';
  result?: string;
  missing?: true;
  compileError?: string;
  runtimeError?: string;
}

let nextId = 1;
/** Messages posted to workers and the evaluations they carried (for tests and diagnostics). */
export const messageStats = { messages: 0, evaluations: 0 };

class EvaluatorWorker {
  readonly worker: Worker;
  readonly queue: Pending[] = [];
  readonly known = new Set<string>();
  dead = false;
  /** The worker has booted: until then no evaluation's clock runs. */
  private ready = false;
  private timer: NodeJS.Timeout | null = null;
  /** Messages not yet posted (see flush). */
  private outbox: object[] = [];

  constructor(private readonly onDead: (w: EvaluatorWorker, orphans: Pending[]) => void) {
    this.worker = new Worker(WORKER_FILE, {
      workerData: { runtimeSource: runtimeSource(), runtimeName: RUNTIME_SCRIPT_NAME },
      env: {}, // resolver code must find no credentials, even in the worker's own process.env
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    });
    this.worker.on('message', (m: Reply | { ready: true }) => {
      if ('ready' in m) {
        this.ready = true;
        if (this.queue[0]) this.queue[0].startedAt = performance.now();
        this.arm();
      } else this.reply(m);
    });
    this.worker.on('error', (e: Error & { code?: string }) => this.fail(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash', e.message));
    this.worker.on('exit', () => this.fail('crash', 'the evaluator worker exited'));
    this.worker.unref(); // ref'd only while evaluations are pending
  }

  get slow(): boolean {
    const head = this.queue[0];
    return head !== undefined && performance.now() - head.startedAt > SLOW_MS;
  }

  send(p: Pending): void {
    if (this.queue.length === 0) {
      p.startedAt = performance.now();
      this.worker.ref();
    }
    this.queue.push(p);
    const withSource = !this.known.has(p.job.hash);
    if (withSource) this.known.add(p.job.hash);
    const { hash, scriptName, request, source } = p.job;
    if (this.outbox.length === 0) setImmediate(this.flush);
    this.outbox.push(withSource ? { id: p.id, hash, scriptName, request, source } : { id: p.id, hash, scriptName, request });
    if (this.queue.length === 1) this.arm();
  }

  /** Posts what this turn of the event loop sent: one message, an array when there are several. */
  private readonly flush = (): void => {
    const batch = this.outbox;
    this.outbox = [];
    if (this.dead || batch.length === 0) return;
    this.worker.postMessage(batch.length === 1 ? batch[0] : batch);
    messageStats.messages += 1;
    messageStats.evaluations += batch.length;
  };

  private reply(m: Reply): void {
    if (m.phase) {
      const head = this.queue[0];
      if (head?.id === m.id) {
        head.inSetup = m.phase === 'setup';
        head.startedAt = performance.now();
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.arm();
      }
      return;
    }
    const index = this.queue.findIndex((p) => p.id === m.id);
    if (index < 0) return;
    const [p] = this.queue.splice(index, 1) as [Pending];
    if (index === 0 && this.queue[0]) this.queue[0].startedAt = performance.now();
    if (this.queue.length === 0) this.worker.unref();
    if (m.missing) {
      // The worker evicted the source: send it again (at the back of the queue).
      this.known.delete(p.job.hash);
      this.send(p);
      return;
    }
    if (m.result !== undefined) p.resolve({ kind: 'result', json: m.result });
    else if (m.compileError !== undefined) p.resolve({ kind: 'compileError', message: m.compileError });
    else p.resolve({ kind: 'stopped', reason: 'crash', message: m.runtimeError ?? 'the evaluator failed' });
  }

  /** One timer for the head of the queue; when it fires for an evaluation that already finished, it re-arms for the new head. */
  private arm(): void {
    if (this.timer || this.dead || !this.ready) return;
    const head = this.queue[0];
    if (!head) return;
    const limit = (p: Pending) => (p.inSetup ? SETUP_LIMIT_MS : p.job.timeoutMs);
    const wait = Math.max(0, head.startedAt + limit(head) - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = this.queue[0];
      if (!now) return;
      if (performance.now() - now.startedAt < limit(now)) return this.arm();
      // Timers run before the event loop reads the workers' messages: after a stall of the main
      // thread (a busy machine), the answer may already be waiting. Decide after that read.
      setImmediate(() => {
        if (this.queue[0] === now && performance.now() - now.startedAt >= limit(now)) this.fail('timeout', `Execution timed out after ${now.job.timeoutMs} ms`);
        else this.arm();
      });
    }, wait);
    this.timer.unref();
  }

  /** Ends the head evaluation with `reason`, stops the worker and hands the rest to the pool. */
  fail(reason: 'timeout' | 'memory' | 'crash', message: string): void {
    if (this.dead) return;
    this.dead = true;
    if (this.timer) clearTimeout(this.timer);
    const [head, ...rest] = this.queue.splice(0);
    const text = reason === 'memory' ? `Execution stopped: the handler used more than ${WORKER_HEAP_MB} MB of memory` : message;
    head?.resolve({ kind: 'stopped', reason, message: text });
    void this.worker.terminate();
    this.onDead(this, rest);
  }
}

let workers: EvaluatorWorker[] = [];

function replace(dead: EvaluatorWorker, orphans: Pending[]): void {
  workers = workers.filter((w) => w !== dead);
  for (const p of orphans) pick().send(p);
}

/** An idle worker, else a new one (up to WORKERS), else the least loaded that is not stuck. */
function pick(): EvaluatorWorker {
  const idle = workers.find((w) => w.queue.length === 0);
  if (idle) return idle;
  if (workers.length < WORKERS) {
    const w = new EvaluatorWorker(replace);
    workers.push(w);
    return w;
  }
  let best: EvaluatorWorker | undefined;
  for (const w of workers) {
    if (w.slow) continue;
    if (!best || w.queue.length < best.queue.length) best = w;
  }
  return best ?? workers.reduce((a, b) => (b.queue.length < a.queue.length ? b : a));
}

export function runInWorker(job: WorkerJob): Promise<WorkerReply> {
  return new Promise((resolve) => {
    pick().send({ id: nextId++, job, resolve, startedAt: 0, inSetup: false });
  });
}

/** Stops the workers (they never keep the process alive; this is for tests that count threads). */
export async function stopEvaluatorWorkers(): Promise<void> {
  const all = workers;
  workers = [];
  for (const w of all) w.dead = true;
  await Promise.all(all.map((w) => w.worker.terminate()));
}
