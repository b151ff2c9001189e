// The APPSYNC_JS evaluator of the local runtime: runs one handler (`request` or `response`) of
// bundled resolver code the way AppSync does, for any AppSync app.
//
// For the host (run-resolver.ts plugs `evaluate` in as its JsEngine):
//
//   evaluate(code, 'request' | 'response', ctx, { timeoutMs?, scriptName? }): EvaluationOutcome
//
//   - `code` is the bundled single-file ESM the deployment uses; it may import
//     `@aws-appsync/utils` and `@aws-appsync/utils/dynamodb` (and nothing else).
//   - `ctx` is the AppSync context (arguments, source, identity, stash, prev, result, error,
//     request, info, env). `ctx.args` aliases `ctx.arguments` inside the handler. `authType`
//     (an AppSync mode such as "AWS_IAM" or its display form "IAM Authorization") is what
//     util.authType() answers; without it the mode is inferred from the identity's shape.
//   - Synchronous. Each call runs in an isolated `node:vm` context that holds only the standard
//     JS built-ins plus util, runtime, extensions and console: no process, require, timers or
//     eval. Compiled scripts are cached by a hash of the code; contexts are pooled per script, with
//     a fresh instance of the user's module and a fresh evaluation state on every call.
//   - The result is `outcome` (a value, an early return, or an error that aborted the handler)
//     plus what the handler left behind: the stash after the call, util.appendError entries,
//     the log lines ("INFO - code.js:13:5: \"text\""), and `extensions`, whose keys appear only
//     when used: subscriptionFilter, subscriptionInvalidationFilter, invalidateSubscriptions[],
//     evictFromApiCache[] ({typeName, fieldName, keys}) and responseHeaders (util.http).
//   - Everything crossing the vm boundary is copied through JSON text, so results are plain
//     data with this realm's prototypes; `undefined` results become null.
//   - A handler that runs longer than `timeoutMs` (default 1000) is stopped and reported as an
//     error with source "timeout".
import { randomBytes } from 'node:crypto';
import vm from 'node:vm';
import { compile, CompileError, type CodeError, type CompiledCode } from './compile.ts';
import { RUNTIME_SCRIPT_NAME, runtimeScript } from './runtime-bundle.ts';
import { originalPosition } from './sourcemap.ts';

export { compiledScriptCount } from './compile.ts';
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

export type ErrorSource = 'util.error' | 'unauthorized' | 'runtime' | 'timeout' | 'compile';

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
  outcome: HandlerOutcome | null;
  stash: Record<string, unknown>;
  appendedErrors: AppendedError[];
  logs: RawLog[];
  extensions: Record<string, unknown>;
}

const invokeScript = new vm.Script('__appsync_invoke__()', { filename: RUNTIME_SCRIPT_NAME });
const snapshotScript = new vm.Script('__appsync_snapshot__()', { filename: RUNTIME_SCRIPT_NAME });

const randomHex = (n: number): string => randomBytes(n).toString('hex');

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

// Contexts are reused per compiled script: making one and loading the runtime into it costs about
// 0.3 ms, several times the handler itself. Reuse is safe because each evaluation starts from a
// fresh evaluation state and a fresh instance of the user's module (runtime/entry.ts), and every
// value crosses the boundary as JSON text. A context whose evaluation timed out is dropped.
// microtaskMode afterEvaluate: promise callbacks run inside the timed call, never later on the
// host's queue where an endless one would hang the process.
const POOL_SIZE = 4;
const pools = new Map<string, vm.Context[]>();

function acquireContext(compiled: CompiledCode): vm.Context {
  const idle = pools.get(compiled.hash)?.pop();
  if (idle) return idle;
  const sandbox = vm.createContext({ __appsync_host__: { randomHex, scriptName: compiled.scriptName } }, {
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: 'afterEvaluate',
  });
  runtimeScript().runInContext(sandbox);
  compiled.script.runInContext(sandbox);
  return sandbox;
}

function releaseContext(compiled: CompiledCode, sandbox: vm.Context): void {
  let pool = pools.get(compiled.hash);
  if (!pool) {
    if (pools.size >= 500) pools.delete(pools.keys().next().value as string);
    pool = [];
    pools.set(compiled.hash, pool);
  }
  if (pool.length < POOL_SIZE) pool.push(sandbox);
}

function errorOnly(error: EvaluationError, stash: Record<string, unknown>, started: number): EvaluationOutcome {
  return { outcome: { kind: 'error', error }, stash, appendedErrors: [], logs: [], extensions: {}, durationMs: performance.now() - started };
}

function isTimeout(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

export function evaluate(code: string, fn: 'request' | 'response', ctx: EvaluationContext, opts: EvaluateOptions = {}): EvaluationOutcome {
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

  const sandbox = acquireContext(compiled);
  sandbox.__appsync_request__ = JSON.stringify({ fn, ctx: context, authType });

  let raw: RawResult;
  try {
    raw = JSON.parse(invokeScript.runInContext(sandbox, { timeout: timeoutMs }) as string) as RawResult;
    releaseContext(compiled, sandbox);
  } catch (e) {
    if (!isTimeout(e)) throw e;
    try {
      raw = JSON.parse(snapshotScript.runInContext(sandbox, { timeout: 100 }) as string) as RawResult;
    } catch {
      raw = { outcome: null, stash: inputStash, appendedErrors: [], logs: [], extensions: {} };
    }
    raw.outcome = {
      kind: 'error',
      error: { message: `Execution timed out after ${timeoutMs} ms`, errorType: null, data: null, errorInfo: null, source: 'timeout' },
    };
  }
  return {
    outcome: raw.outcome as HandlerOutcome,
    stash: raw.stash,
    appendedErrors: raw.appendedErrors,
    logs: raw.logs.map((l) => formatLog(l, compiled)),
    extensions: raw.extensions,
    durationMs: performance.now() - started,
  };
}
