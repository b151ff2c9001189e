// Plugs the APPSYNC_JS evaluator into the resolver runner, with the host's time limit.
import { evaluate } from './js/evaluator.ts';
import type { JsEngine } from './run-resolver.ts';

export function createJsEngine(options: { timeoutMs?: number } = {}): JsEngine {
  return (code, fn, ctx) => evaluate(code, fn, ctx, { timeoutMs: options.timeoutMs });
}
