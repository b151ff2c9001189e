// Makes a reused vm context safe to share between requests (a small version of SES `lockdown`).
// The evaluator keeps one context per script and runs many requests in it, so nothing a handler
// does may survive into the next request:
//   - every object reachable from the global object (built-in constructors and prototypes, JSON,
//     Math, util, runtime, ...) is frozen, so `Array.prototype.map = ...` fails;
//   - the host copies the global bindings returned here onto its side of the global object as
//     read-only, non-configurable properties, so they cannot be replaced or deleted, and it
//     discards a context whose handler added a global (added globals land on the host side too,
//     where counting them is cheap; enumerating this side's global object costs ~50 µs);
//   - RegExp's legacy statics (RegExp.$1, RegExp.input) are reset after each call (`resetStatics`),
//     so a matched string is gone.
// Freezing prototypes breaks plain assignments that would shadow an inherited property
// (`err.name = 'MyError'`, `obj.toString = ...`: the "override mistake"); for the usual names the
// inherited property becomes an accessor whose setter defines an own property on the target.

/** Built-ins a handler has no use for that could outlive a request (callbacks, shared memory). */
const REMOVED_GLOBALS = ['FinalizationRegistry', 'WeakRef', 'SharedArrayBuffer', 'Atomics', 'WebAssembly'];

const OVERRIDABLE = ['constructor', 'toString', 'valueOf', 'toLocaleString', 'toJSON', 'name', 'message'];

function tameOverride(proto: object, key: string): void {
  const desc = Object.getOwnPropertyDescriptor(proto, key);
  if (!desc || !('value' in desc) || !desc.configurable) return;
  const value: unknown = desc.value;
  Object.defineProperty(proto, key, {
    get: () => value,
    set(this: object, v: unknown) {
      if (this === proto) throw new TypeError(`Cannot assign to read only property '${key}' of a frozen built-in`);
      Object.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
    },
    enumerable: desc.enumerable,
    configurable: false,
  });
}

function isObject(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

/** Freezes everything reachable from `roots` (properties, accessors and prototypes). */
function harden(roots: unknown[]): void {
  const seen = new Set<object>();
  const stack = roots.filter(isObject);
  while (stack.length) {
    const o = stack.pop() as object;
    if (seen.has(o)) continue;
    seen.add(o);
    const proto: unknown = Object.getPrototypeOf(o);
    if (isObject(proto)) stack.push(proto);
    for (const key of Reflect.ownKeys(o)) {
      const d = Reflect.getOwnPropertyDescriptor(o, key);
      if (!d) continue;
      for (const v of [d.value, d.get, d.set] as unknown[]) if (isObject(v)) stack.push(v);
    }
  }
  for (const o of seen) {
    if (typeof o !== 'function' && Object.hasOwn(o, 'constructor')) for (const key of OVERRIDABLE) tameOverride(o, key);
    Object.freeze(o);
  }
}

export interface Lockdown {
  /** The global bindings after lockdown, for the host to copy onto its side as read-only. */
  globals: Record<string, unknown>;
  resetStatics(): void;
}

export function lockdown(): Lockdown {
  const g = globalThis as unknown as Record<string | symbol, unknown>;
  for (const name of REMOVED_GLOBALS) delete g[name];
  const globals: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(g)) if (key !== 'globalThis') globals[key] = g[key];
  harden(Object.values(globals));
  const regexpReset = /(?:)/;
  return { globals, resetStatics: () => void regexpReset.exec('') };
}
