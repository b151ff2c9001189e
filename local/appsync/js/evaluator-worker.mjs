// The evaluator's worker thread (plain JavaScript: it starts without a TypeScript loader). It owns
// the vm contexts resolver code runs in; the main thread (evaluator-pool.ts) sends requests and
// enforces the time limit by terminating this thread, and the thread's `resourceLimits` end it
// when a handler allocates too much, so neither a loop nor an allocation reaches the server.
//
// Layers between resolver code and the host:
//   - the worker starts with an empty `process.env` (no credentials to find even if code got out);
//   - each script runs in its own vm context whose global object has a null-prototype host side
//     (so `globalThis.constructor` is the context's own Object), with code generation from strings
//     off; no host function or object is ever placed in the context: requests go in as JSON text
//     and results come out as JSON text;
//   - the context is locked down once (runtime/lockdown.ts) and the host side of its global object
//     holds every global binding read-only, so one request cannot change what the next sees; a
//     context whose handler added a global is discarded after that request.
//
// Messages in: { id, hash, scriptName, source?, request }, or an array of them (the pool sends
// what one turn of its event loop produced as one message), run in order. Out, one per evaluation: { id, result } (JSON text),
// { id, missing: true } (send the source again) or { id, compileError }; around building a new
// context, { id, phase: 'setup' } and { id, phase: 'run' }.
import { randomBytes } from 'node:crypto';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';

const MAX_CONTEXTS = 64;
const MAX_SOURCES = 1000;
const runtime = new vm.Script(workerData.runtimeSource, { filename: workerData.runtimeName });
/** hash -> { source, scriptName } */
const sources = new Map();
/** hash -> { invoke, sandbox, baseline } (least recently used first) */
const contexts = new Map();

function createInstance(hash) {
  const entry = sources.get(hash);
  const sandbox = Object.create(null);
  const context = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' });
  runtime.runInContext(context);
  new vm.Script(entry.source, { filename: entry.scriptName, lineOffset: -1 }).runInContext(context);
  const setup = vm.runInContext('__appsync_setup__', context);
  const { globals, invoke } = setup(entry.scriptName);
  // Global names are looked up on the host side first: holding every binding there, read-only and
  // non-configurable, means a handler can neither replace nor delete one (assignments and deletes
  // are ignored). A global the handler adds appears here as a new key.
  for (const key of Object.keys(globals)) {
    Object.defineProperty(sandbox, key, { value: globals[key], writable: false, configurable: false, enumerable: false });
  }
  return { invoke, sandbox, baseline: Reflect.ownKeys(sandbox).length };
}

function instance(id, hash) {
  let found = contexts.get(hash);
  if (found) {
    contexts.delete(hash);
  } else {
    // Building a context is the runtime's work, not the handler's: the time limit starts after it.
    parentPort.postMessage({ id, phase: 'setup' });
    found = createInstance(hash);
    parentPort.postMessage({ id, phase: 'run' });
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value);
  }
  contexts.set(hash, found);
  return found;
}

// The time limit of the first request starts now, not while this thread was booting.
parentPort.postMessage({ ready: true });

parentPort.on('message', (msg) => {
  if (Array.isArray(msg)) for (const one of msg) evaluateOne(one);
  else evaluateOne(msg);
});

function evaluateOne(msg) {
  if (msg.source !== undefined) {
    sources.delete(msg.hash);
    if (sources.size >= MAX_SOURCES) sources.delete(sources.keys().next().value);
    sources.set(msg.hash, { source: msg.source, scriptName: msg.scriptName });
  }
  if (!sources.has(msg.hash)) return parentPort.postMessage({ id: msg.id, missing: true });
  let inst;
  try {
    inst = instance(msg.id, msg.hash);
  } catch (e) {
    return parentPort.postMessage({ id: msg.id, compileError: `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}` });
  }
  let result;
  try {
    result = inst.invoke(msg.request, randomBytes(64).toString('hex'));
  } catch (e) {
    // Only the runtime itself throws here (e.g. the stack overflowed while reporting an error).
    contexts.delete(msg.hash);
    return parentPort.postMessage({ id: msg.id, runtimeError: `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}` });
  }
  if (Reflect.ownKeys(inst.sandbox).length !== inst.baseline) contexts.delete(msg.hash);
  parentPort.postMessage({ id: msg.id, result });
}
