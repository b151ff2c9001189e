// Entry of the sandbox runtime bundle. The evaluator worker runs this once in every fresh vm
// context, then the compiled user script (which defines __appsync_module__), then calls
// `__appsync_setup__(scriptName)` once: it takes the module loader off the global object, locks
// the context down (lockdown.ts) and returns the functions the worker calls per request:
// `invoke(requestJson, entropyHex)`. Only strings cross in either direction (the
// request and the result are JSON text), so no object of the host's realm (and no prototype) is
// ever reachable from user code, and no object of this realm reaches the host.
import { dynamodbModule } from './ddb-module.ts';
import { extensions, runtime } from './extensions.ts';
import { setRandomSource } from './ids.ts';
import { lockdown } from './lockdown.ts';
import { console, setUserScriptName } from './logging.ts';
import { Signal, beginEvaluation, errorDetail, state, type ErrorDetail } from './state.ts';
import { util } from './util.ts';
import { isMap, strictParse } from './values.ts';

type Loader = (module: { exports: Record<string, unknown> }, exports: Record<string, unknown>, req: (name: string) => unknown) => void;
const g = globalThis as unknown as Record<string, unknown>;

// Random bytes: the worker passes fresh bytes from its crypto with every request (as hex text, no
// function crosses the boundary); past them, Math.random of this context takes over.
let entropy = '';
const fallbackHex = (bytes: number): string => {
  let s = '';
  for (let i = 0; i < bytes * 2; i += 1) s += Math.floor(Math.random() * 16).toString(16);
  return s;
};
setRandomSource((bytes) => {
  if (entropy.length >= bytes * 2) {
    const out = entropy.slice(0, bytes * 2);
    entropy = entropy.slice(bytes * 2);
    return out;
  }
  return fallbackHex(bytes);
});

const modules: Record<string, unknown> = {
  '@aws-appsync/utils': { util, runtime, extensions },
  '@aws-appsync/utils/dynamodb': dynamodbModule,
};

function requireModule(name: string): unknown {
  if (Object.hasOwn(modules, name)) return modules[name];
  throw new Error(`Cannot find module '${name}': the APPSYNC_JS runtime provides only @aws-appsync/utils and @aws-appsync/utils/dynamodb (bundle everything else)`);
}

function define(name: string, value: unknown): void {
  Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
}
define('util', util);
define('runtime', runtime);
define('extensions', extensions);
define('console', console);

// APPSYNC_JS: JSON.parse answers "" for text that is not JSON instead of throwing.
const JSON_PARSE = JSON.parse.bind(JSON);
const lenientParse = (text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
  try {
    return JSON_PARSE(text, reviver);
  } catch {
    return '';
  }
};
JSON.parse = lenientParse as typeof JSON.parse;

let loader: Loader | null = null;
// The module is instantiated anew for every evaluation (its loader only defines functions), so
// module-level state never carries from one request to the next even when the host reuses this
// context.
function userExports(): Record<string, unknown> {
  if (!loader) throw new Error('No code was loaded');
  const module = { exports: {} as Record<string, unknown> };
  loader(module, module.exports, requireModule);
  return module.exports;
}

function buildContext(c: Record<string, unknown>): Record<string, unknown> {
  const args = isMap(c.arguments) ? c.arguments : isMap(c.args) ? c.args : {};
  const ctx: Record<string, unknown> = { ...c, arguments: args, args, stash: isMap(c.stash) ? c.stash : {} };
  delete ctx.authType; // the host's auth mode is read by util.authType(), not part of ctx
  if (!isMap(ctx.env)) ctx.env = {};
  return ctx;
}

type Outcome =
  | { kind: 'value'; value: unknown }
  | { kind: 'earlyReturn'; value: unknown; skipTo: string | null }
  | { kind: 'error'; error: ErrorDetail & { source: string } };

function fromThrown(e: unknown): Outcome {
  if (e instanceof Signal) {
    if (e.kind === 'earlyReturn') return { kind: 'earlyReturn', value: e.value, skipTo: e.skipTo };
    const error = e.error as ErrorDetail;
    return { kind: 'error', error: { ...error, source: error.errorType === 'Unauthorized' ? 'unauthorized' : 'util.error' } };
  }
  const err = e as { name?: unknown; message?: unknown } | null;
  const message = err && typeof err === 'object' && 'message' in err ? `${String(err.name ?? 'Error')}: ${String(err.message)}` : String(e);
  return { kind: 'error', error: { ...errorDetail(message), source: 'runtime' } };
}

function snapshot(outcome: Outcome | null, ctx: Record<string, unknown>): string {
  const s = state();
  const body = { outcome, stash: ctx.stash ?? {}, appendedErrors: s.appendedErrors, logs: s.logs, extensions: s.extensions };
  try {
    return JSON.stringify(body);
  } catch (e) {
    const failure = fromThrown(e);
    return JSON.stringify({ ...body, outcome: failure, stash: {}, extensions: {} });
  }
}

function invoke(requestJson: string, entropyHex: string): string {
  entropy = entropyHex;
  const request = strictParse(requestJson) as { fn: string; ctx: Record<string, unknown>; authType: string | null };
  const ctx = buildContext(isMap(request.ctx) ? request.ctx : {});
  beginEvaluation(ctx, request.authType);
  let outcome: Outcome;
  try {
    const handler = userExports()[request.fn];
    if (typeof handler !== 'function') throw new TypeError(`the code does not export a function named "${request.fn}"`);
    const value: unknown = handler(ctx);
    if (isMap(value) && typeof value.then === 'function') throw new TypeError('handlers must not be async: APPSYNC_JS has no promises');
    outcome = { kind: 'value', value: value === undefined ? null : value };
  } catch (e) {
    outcome = fromThrown(e);
  }
  const out = snapshot(outcome, ctx);
  resetStatics();
  return out;
}

let resetStatics = (): void => {};

define('__appsync_setup__', (scriptName: string) => {
  const defined = g.__appsync_module__ as Loader | undefined;
  delete g.__appsync_module__;
  delete g.__appsync_setup__;
  if (typeof defined === 'function') loader = defined;
  setUserScriptName(scriptName);
  // Load ICU's time zone data now, in the (untimed) setup, not in the first handler's time limit.
  new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'long' }).format(0);
  const locked = lockdown();
  resetStatics = locked.resetStatics;
  return { globals: locked.globals, invoke };
});
