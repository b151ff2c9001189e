// Per-evaluation state of the sandbox runtime. This file (like everything under runtime/) is
// bundled and executed INSIDE the vm context, so it must not import Node modules: it only uses
// standard JS built-ins. The host reads this state back as JSON text after each evaluation.

export interface ErrorDetail {
  message: string;
  errorType: string | null;
  data: unknown;
  errorInfo: unknown;
}

export interface LogEntry {
  level: string;
  /** Position of the console call in the generated (compiled) user script, 1-based. */
  line: number | null;
  column: number | null;
  text: string;
}

export interface EvaluationState {
  ctx: Record<string, unknown>;
  authType: string | null;
  appendedErrors: ErrorDetail[];
  logs: LogEntry[];
  extensions: Record<string, unknown>;
}

let current: EvaluationState | null = null;

export function beginEvaluation(ctx: Record<string, unknown>, authType: string | null): EvaluationState {
  current = { ctx, authType, appendedErrors: [], logs: [], extensions: {} };
  return current;
}

export function state(): EvaluationState {
  // Utilities called at module top level (before a handler runs) still get a valid state.
  if (!current) current = { ctx: {}, authType: null, appendedErrors: [], logs: [], extensions: {} };
  return current;
}

/**
 * Thrown by util.error / util.unauthorized / runtime.earlyReturn to stop the handler. A class
 * private to the runtime, so the invoker can tell it apart from any error user code throws.
 */
export class Signal {
  constructor(
    readonly kind: 'error' | 'earlyReturn',
    readonly error: ErrorDetail | null,
    readonly value: unknown,
    readonly skipTo: string | null,
  ) {}
}

export function errorDetail(message: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): ErrorDetail {
  return {
    message: message === undefined || message === null ? '' : String(message),
    errorType: errorType === undefined || errorType === null ? null : String(errorType),
    data: data === undefined ? null : data,
    errorInfo: errorInfo === undefined ? null : errorInfo,
  };
}
