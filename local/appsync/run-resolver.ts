// Runs a manifest resolver the way AppSync does: unit (request -> data source -> response) or
// pipeline (before -> each function's request/data source/response -> after), with
// runtime.earlyReturn, util.error (abort) and util.appendError (continue) semantics.
import type { FunctionDefinition, ResolverDefinition } from '../../resolvers/manifest-types.ts';
import { FieldError, type ResolverErrorDetail } from './errors.ts';
import type { EvaluationOutcome, HandlerOutcome } from './js/evaluator.ts';

export interface ResolverContext {
  arguments: Record<string, unknown>;
  source: unknown;
  identity: unknown;
  stash: Record<string, unknown>;
  prev: { result: unknown } | null;
  result?: unknown;
  error?: { message: string; type: string } | null;
  request: { headers: Record<string, string>; domainName: string | null };
  info: {
    fieldName: string;
    parentTypeName: string;
    variables: Record<string, unknown>;
    selectionSetList: string[];
    selectionSetGraphQL: string;
  };
  env: Record<string, string>;
  authType: string;
}

/** Evaluates one handler (`request` or `response`) of bundled APPSYNC_JS code. */
export type JsEngine = (code: string, fn: 'request' | 'response', ctx: ResolverContext) => Promise<EvaluationOutcome>;

export type DataSourceOutcome = { ok: true; result: unknown } | { ok: false; error: { type: string; message: string }; result?: unknown };
export type DataSourceInvoker = (request: unknown, ctx: ResolverContext) => Promise<DataSourceOutcome>;

export interface ResolverRuntime {
  engine: JsEngine;
  code(source: string): string;
  dataSource(name: string): DataSourceInvoker;
  functionDef(name: string): FunctionDefinition;
  onLog?(lines: string[]): void;
}

export interface ResolverRunResult {
  value: unknown;
  /** util.appendError entries: reported next to the value. */
  errors: ResolverErrorDetail[];
  extensions: Record<string, unknown>[];
}

class Run {
  readonly errors: ResolverErrorDetail[] = [];
  readonly extensions: Record<string, unknown>[] = [];
  constructor(
    readonly runtime: ResolverRuntime,
    readonly ctx: ResolverContext,
  ) {}

  async handler(code: string, fn: 'request' | 'response'): Promise<Exclude<HandlerOutcome, { kind: 'error' }>> {
    const run = await this.runtime.engine(code, fn, this.ctx);
    this.ctx.stash = run.stash;
    this.errors.push(...run.appendedErrors);
    if (Object.keys(run.extensions).length) this.extensions.push(run.extensions);
    if (run.logs.length) this.runtime.onLog?.(run.logs);
    if (run.outcome.kind === 'error') {
      const error = new FieldError(run.outcome.error);
      error.appended = this.errors;
      throw error;
    }
    return run.outcome;
  }

  /** request -> data source -> response for one unit resolver or pipeline function. */
  async step(code: string, dataSourceName: string): Promise<{ value: unknown; skipToEnd: boolean }> {
    const request = await this.handler(code, 'request');
    if (request.kind === 'earlyReturn') return { value: request.value, skipToEnd: request.skipTo === 'END' };
    const outcome = await this.runtime.dataSource(dataSourceName)(request.value, this.ctx);
    this.ctx.result = outcome.ok ? outcome.result : (outcome.result ?? null);
    this.ctx.error = outcome.ok ? null : outcome.error;
    const response = await this.handler(code, 'response');
    this.ctx.result = undefined;
    this.ctx.error = undefined;
    return { value: response.value, skipToEnd: response.kind === 'earlyReturn' && response.skipTo === 'END' };
  }
}

export async function runResolver(def: ResolverDefinition, runtime: ResolverRuntime, ctx: ResolverContext): Promise<ResolverRunResult> {
  const run = new Run(runtime, ctx);
  if (def.kind === 'LAMBDA') {
    // Direct Lambda resolver: AppSync sends its standard event; a thrown error becomes Lambda:Unhandled.
    const outcome = await runtime.dataSource(def.dataSource)({ operation: 'Invoke', payload: directLambdaEvent(ctx) }, ctx);
    if (!outcome.ok) throw new FieldError({ message: outcome.error.message, errorType: outcome.error.type });
    return { value: outcome.result, errors: [], extensions: [] };
  }
  if (def.kind === 'UNIT') {
    const { value } = await run.step(runtime.code(def.code), def.dataSource);
    return { value, errors: run.errors, extensions: run.extensions };
  }
  // Pipeline (runtime-utils-js docs): an early return in the resolver's request handler, or one
  // with skipTo 'END' in a function's request handler, skips the remaining functions; the
  // resolver's response handler always runs, with the early value as ctx.prev.result.
  const code = runtime.code(def.code);
  const before = await run.handler(code, 'request');
  ctx.prev = { result: before.value };
  if (before.kind !== 'earlyReturn') {
    for (const name of def.functions) {
      const fn = runtime.functionDef(name);
      const step = await run.step(runtime.code(fn.code), fn.dataSource);
      ctx.prev = { result: step.value };
      if (step.skipToEnd) break;
    }
  }
  const after = await run.handler(code, 'response');
  return { value: after.value, errors: run.errors, extensions: run.extensions };
}

export function directLambdaEvent(ctx: ResolverContext) {
  return {
    arguments: ctx.arguments,
    identity: ctx.identity,
    source: ctx.source,
    request: ctx.request,
    info: ctx.info,
    prev: ctx.prev,
    stash: ctx.stash,
  };
}
