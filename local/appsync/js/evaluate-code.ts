// The local equivalent of AppSync's EvaluateCode API: code + function name + context (JSON
// text) in, and out `{ evaluationResult: "<JSON text>", logs }` or `{ error: { message }, logs }`
// like the API's response, which also carries `stash` (JSON text) and `outErrors` (JSON text of
// the util.appendError entries). TypeScript is first bundled with the esbuild flags AppSync
// documents for APPSYNC_JS (single-file ESM, @aws-appsync/* external, inline source map).
//
//   evaluateCode({ code, function, context, language?, resolveDir?, timeoutMs? }): Promise<EvaluateCodeOutput>
//   bundleTypeScript(code, resolveDir?): string   (bundled JS; throws CompileError)
//
// TypeScript that does not compile is reported like code AppSync cannot parse: an `error` whose
// `codeErrors` give the locations (line/column in the TypeScript source).
//
// Requests AppSync itself would refuse (code outside 1..32,768 characters, context that is not a
// JSON object of at most 28,000 characters, another function name) raise EvaluateCodeRequestError.
import { buildSync } from 'esbuild';
import type { BuildOptions, Message } from 'esbuild';
import { CompileError } from './compile.ts';
import { evaluate, type CodeError, type EvaluationContext } from './evaluator.ts';

export interface EvaluateCodeInput {
  code: string;
  function: string;
  /** The context as JSON text, as the API takes it. */
  context: string;
  /** "typescript" bundles the code first; default "javascript" (already bundled). */
  language?: 'javascript' | 'typescript';
  /** Where relative imports of TypeScript code resolve from. Default: the working directory. */
  resolveDir?: string;
  timeoutMs?: number;
}

export interface EvaluateCodeOutput {
  evaluationResult?: string;
  error?: { message: string; codeErrors?: CodeError[] };
  logs: string[];
  stash: string;
  outErrors: string;
}

/** A request AppSync's EvaluateCode would reject with BadRequestException. */
export class EvaluateCodeRequestError extends Error {}

export const MAX_CODE_LENGTH = 32768;
export const MAX_CONTEXT_LENGTH = 28000;

function parseContext(text: string): EvaluationContext {
  if (text.length < 2 || text.length > MAX_CONTEXT_LENGTH) {
    throw new EvaluateCodeRequestError(`context must be 2..${MAX_CONTEXT_LENGTH} characters of JSON, got ${text.length}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new EvaluateCodeRequestError(`context is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EvaluateCodeRequestError('context must be a JSON object');
  }
  return parsed as EvaluationContext;
}

export async function evaluateCode(input: EvaluateCodeInput): Promise<EvaluateCodeOutput> {
  if (input.function !== 'request' && input.function !== 'response') {
    throw new EvaluateCodeRequestError(`function must be "request" or "response", got "${input.function}"`);
  }
  const ctx = parseContext(input.context);
  let code = input.code;
  if (input.language === 'typescript') {
    try {
      code = bundleTypeScript(code, input.resolveDir);
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      return { error: { message: e.message, codeErrors: e.codeErrors }, logs: [], stash: JSON.stringify(ctx.stash ?? {}), outErrors: '[]' };
    }
  }
  if (code.length < 1 || code.length > MAX_CODE_LENGTH) {
    throw new EvaluateCodeRequestError(`code must be 1..${MAX_CODE_LENGTH} characters, got ${code.length}`);
  }
  const run = await evaluate(code, input.function, ctx, { timeoutMs: input.timeoutMs });
  const common = { logs: run.logs, stash: JSON.stringify(run.stash), outErrors: JSON.stringify(run.appendedErrors) };
  const { outcome } = run;
  if (outcome.kind === 'error') {
    const error: EvaluateCodeOutput['error'] = { message: outcome.error.message };
    if (outcome.error.codeErrors) error.codeErrors = outcome.error.codeErrors;
    return { error, ...common };
  }
  return { evaluationResult: JSON.stringify(outcome.value ?? null), ...common };
}

// AppSync's reference flags: --bundle --sourcemap=inline --sources-content=false --target=esnext
// --platform=node --format=esm --external:@aws-appsync/utils (subpaths are external too).
const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  write: false,
  sourcemap: 'inline',
  sourcesContent: false,
  target: 'esnext',
  platform: 'node',
  format: 'esm',
  external: ['@aws-appsync/utils'],
  logLevel: 'silent',
};

export function bundleTypeScript(code: string, resolveDir: string = process.cwd()): string {
  let text: string | undefined;
  try {
    const result = buildSync({ ...BUNDLE_OPTIONS, stdin: { contents: code, loader: 'ts', resolveDir, sourcefile: 'code.ts' } });
    text = result.outputFiles?.[0]?.text;
  } catch (e) {
    const errors = ((e as { errors?: Message[] }).errors ?? []).map((m): CodeError => ({
      errorType: 'COMPILE_ERROR',
      value: m.text,
      location: { line: m.location?.line ?? 0, column: (m.location?.column ?? 0) + 1, span: m.location?.length ?? 0 },
    }));
    const first = errors[0];
    const where = first ? ` (line ${first.location.line}, column ${first.location.column}): ${first.value}` : '';
    throw new CompileError(`The TypeScript code could not be bundled${where}`, errors);
  }
  if (text === undefined) throw new Error('esbuild produced no output for code.ts');
  return text;
}
