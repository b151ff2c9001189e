// The APPSYNC_JS evaluator of the local runtime: runs one handler (`request` or `response`) of
// bundled resolver code the way AppSync does, for any AppSync app.
//
// For the host (run-resolver.ts plugs `evaluate` in as its JsEngine):
//
//   evaluate(code, 'request' | 'response', ctx, { timeoutMs?, scriptName? }): Promise<EvaluationOutcome>
//
//   - `code` is the bundled single-file ESM the deployment uses; it may import
//     `@aws-appsync/utils` and `@aws-appsync/utils/dynamodb` (and nothing else).
//   - `ctx` is the AppSync context (arguments, source, identity, stash, prev, result, error,
//     request, info, env). `ctx.args` aliases `ctx.arguments` inside the handler. `authType`
//     (an AppSync mode such as "AWS_IAM" or its display form "IAM Authorization") is what
//     util.authType() answers; without it the mode is inferred from the identity's shape.
//   - Each call runs in a worker thread (evaluator-pool.ts, evaluator-worker.mjs), in a `node:vm`
//     context that holds only the standard JS built-ins plus util, runtime, extensions and
//     console: no process, require, timers or eval, and no object of the host's realm. Compiled
//     scripts are cached by the code; a worker keeps one locked-down context per script
//     (runtime/lockdown.ts), with a fresh instance of the user's module and a fresh evaluation
//     state on every call, and nothing a call leaves on the global object survives it.
//   - The result is `outcome` (a value, an early return, or an error that aborted the handler)
//     plus what the handler left behind: the stash after the call, util.appendError entries,
//     the log lines ("INFO - code.js:13:5: \"text\""), and `extensions`, whose keys appear only
//     when used: subscriptionFilter, subscriptionInvalidationFilter, invalidateSubscriptions[],
//     evictFromApiCache[] ({typeName, fieldName, keys}) and responseHeaders (util.http).
//   - Everything crossing the boundary is copied through JSON text (AppSync's own data model), so
//     results are plain data with this realm's prototypes; `undefined` results become null.
//   - A handler that runs longer than `timeoutMs` (default 1000) is stopped and reported as an
//     error with source "timeout"; one that allocates past the worker's heap (WORKER_HEAP_MB) is
//     stopped with source "memory". Either way only that evaluation fails; the logs it wrote
//     before are lost with its worker.
import { compile, CompileError, type CodeError, type CompiledCode } from './compile.ts';
import { runInWorker } from './evaluator-pool.ts';
import { originalPosition } from './sourcemap.ts';

export { compiledScriptCount } from './compile.ts';
export { messageStats, stopEvaluatorWorkers, WORKER_HEAP_MB } from './evaluator-pool.ts';
export type { CodeError } from './compile.ts';

export interface EvaluationContext {
  arguments?: Record<string, unknown>;
  args?: Record<string, unknown>;
  source?: unknown;
  identity?: unknown;
  stash?: Record<string, unknown>;
  prev?: { result: unknown } | null;
  result?: unknown;
  error?: { message: string; type: string } | null;
  request?: { headers: Record<string, string | undefined>; domainName: string | null };
  info?: {
    fieldName: string;
    parentTypeName: string;
    variables: Record<string, unknown>;
    selectionSetList: string[];
    selectionSetGraphQL: string;
  };
  env?: Record<string, string>;
  /** The request's auth mode, e.g. "API_KEY" or "API Key Authorization". */
  authType?: string | null;
}

export type ErrorSource = 'util.error' | 'unauthorized' | 'runtime' | 'timeout' | 'memory' | 'compile';

export interface EvaluationError {
  message: string;
  errorType: string | null;
  data: unknown;
  errorInfo: unknown;
  /** What stopped the handler; util.error and util.unauthorized are the deliberate ones. */
  source: ErrorSource;
  /** For source "compile": where the code failed to parse. */
  codeErrors?: CodeError[];
}

export interface AppendedError {
  message: string;
  errorType: string | null;
  data: unknown;
  errorInfo: unknown;
}

export type HandlerOutcome =
  | { kind: 'value'; value: unknown }
  | { kind: 'earlyReturn'; value: unknown; skipTo: 'END' | 'NEXT' | null }
  | { kind: 'error'; error: EvaluationError };

export interface EvaluationOutcome {
  outcome: HandlerOutcome;
  stash: Record<string, unknown>;
  appendedErrors: AppendedError[];
  logs: string[];
  extensions: Record<string, unknown>;
  durationMs: number;
}

export interface EvaluateOptions {
  /** Wall-clock limit for the handler (and the module's top-level code). Default 1000 ms. */
  timeoutMs?: number;
  /** File name used in log lines and stack traces. Default "code.js", as EvaluateCode. */
  scriptName?: string;
}

export const DEFAULT_TIMEOUT_MS = 1000;

interface RawLog {
  level: string;
  line: number | null;
  column: number | null;
  text: string;
}

interface RawResult {
  outcome: HandlerOutcome;
  stash: Record<string, unknown>;
  appendedErrors: AppendedError[];
  logs: RawLog[];
  extensions: Record<string, unknown>;
}

/**
 * V8 places a method call at its property name (the `log` of `console.log`); AWS reports where
 * the call expression starts, so walk back over the `a.b.` chain before mapping the position.
 */
function callStart(line: string | undefined, column: number): number {
  if (line === undefined) return column;
  let i = column - 1;
  while (i > 0 && line[i - 1] === '.') {
    let j = i - 1;
    while (j > 0 && /[\w$]/.test(line[j - 1] as string)) j -= 1;
    if (j === i - 1) break;
    i = j;
  }
  return i + 1;
}

function formatLog(log: RawLog, compiled: CompiledCode): string {
  const column = log.line !== null && log.column !== null ? callStart(compiled.generatedLines[log.line - 1], log.column) : null;
  const pos = log.line !== null && column !== null ? originalPosition(compiled.mappings, log.line, column) : null;
  const where = pos ? `${compiled.scriptName}:${pos.line}:${pos.column}` : compiled.scriptName;
  return `${log.level} - ${where}: ${log.text}`;
}

function errorOnly(error: EvaluationError, stash: Record<string, unknown>, started: number): EvaluationOutcome {
  return { outcome: { kind: 'error', error }, stash, appendedErrors: [], logs: [], extensions: {}, durationMs: performance.now() - started };
}

export async function evaluate(code: string, fn: 'request' | 'response', ctx: EvaluationContext, opts: EvaluateOptions = {}): Promise<EvaluationOutcome> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { authType = null, ...context } = ctx;
  const inputStash = ctx.stash ?? {};
  let compiled: CompiledCode;
  try {
    compiled = compile(code, opts.scriptName ?? 'code.js');
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return errorOnly({ message: e.message, errorType: null, data: null, errorInfo: null, source: 'compile', codeErrors: e.codeErrors }, inputStash, started);
  }
  const reply = await runInWorker({
    hash: compiled.hash,
    source: compiled.source,
    scriptName: compiled.scriptName,
    request: JSON.stringify({ fn, ctx: context, authType }),
    timeoutMs,
  });
  if (reply.kind === 'compileError') {
    return errorOnly({ message: `The code contains one or more errors: ${reply.message}`, errorType: null, data: null, errorInfo: null, source: 'compile', codeErrors: [] }, inputStash, started);
  }
  if (reply.kind === 'stopped') {
    // The worker was ended: what the handler logged before is gone with it.
    const source: ErrorSource = reply.reason === 'timeout' ? 'timeout' : reply.reason === 'memory' ? 'memory' : 'runtime';
    return errorOnly({ message: reply.message, errorType: null, data: null, errorInfo: null, source }, inputStash, started);
  }
  const raw = JSON.parse(reply.json) as RawResult;
  return {
    outcome: raw.outcome,
    stash: raw.stash,
    appendedErrors: raw.appendedErrors,
    logs: raw.logs.map((l) => formatLog(l, compiled)),
    extensions: raw.extensions,
    durationMs: performance.now() - started,
  };
}
