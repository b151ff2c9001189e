// Plugs the APPSYNC_JS evaluator into the resolver runner.
import { evaluate } from './js/evaluator.ts';
import type { JsEngine } from './run-resolver.ts';

export function createJsEngine(options: { timeoutMs?: number } = {}): JsEngine {
  return (code, fn, ctx) => {
    const run = evaluate(code, fn, ctx, { timeoutMs: options.timeoutMs });
    const o = run.outcome;
    return {
      outcome:
        o.kind === 'error'
          ? { kind: 'error', error: { message: o.error.message, errorType: o.error.errorType, data: o.error.data, errorInfo: o.error.errorInfo } }
          : o,
      stash: run.stash,
      appendedErrors: run.appendedErrors,
      logs: run.logs,
      extensions: run.extensions,
    };
  };
}
