// Turns bundled ESM resolver code into a script for the vm context: esbuild rewrites the ESM
// into CommonJS form, the `@aws-appsync/*` imports are routed to the sandbox runtime's modules,
// and the whole is wrapped in a loader function that the runtime calls once per evaluation.
// Compiled scripts are cached by a hash of the code (least recently used dropped past 500), so a
// resolver is transformed once per process; the evaluator worker compiles the text once per context.
import { createHash } from 'node:crypto';
import { transformSync, type Message } from 'esbuild';
import { decodeMappings, type LineMappings } from './sourcemap.ts';

export interface CompiledCode {
  hash: string;
  /** The script text the worker runs (line 1 is the loader header: run it with lineOffset -1). */
  source: string;
  /** Maps positions in the generated script back to the submitted code. */
  mappings: LineMappings;
  /** Lines of the generated script (1-based line N is index N - 1). */
  generatedLines: string[];
  scriptName: string;
}

export interface CodeError {
  errorType: 'PARSER_ERROR' | 'COMPILE_ERROR';
  value: string;
  location: { line: number; column: number; span: number };
}

/** The submitted code does not parse. */
export class CompileError extends Error {
  constructor(
    message: string,
    readonly codeErrors: CodeError[],
  ) {
    super(message);
  }
}

const MAX_CACHED = 500;
const cache = new Map<string, CompiledCode>();
// The same code arrives as the same string on every request: a lookup by the string itself uses
// the hash V8 keeps on it, instead of a SHA-256 of a few kilobytes per evaluation.
const byText = new Map<string, Map<string, CompiledCode>>();
let compiled = 0;

/** How many times code was actually compiled (cache misses); for tests and diagnostics. */
export function compiledScriptCount(): number {
  return compiled;
}

const HEADER = 'globalThis.__appsync_module__ = function (module, exports, __appsyncRequire) {"use strict";\n';
const SOURCE_MAP_COMMENT = /^[ \t]*\/\/[#@][ \t]*sourceMappingURL=.*$/gm;
const REQUIRE_CALL = /\brequire\((["'])([^"'\n]+)\1\)/g;

function toCodeErrors(messages: Message[]): CodeError[] {
  return messages.map((m) => ({
    errorType: 'PARSER_ERROR',
    value: m.text,
    location: { line: m.location?.line ?? 0, column: (m.location?.column ?? 0) + 1, span: m.location?.length ?? 0 },
  }));
}

export function compile(code: string, scriptName = 'code.js'): CompiledCode {
  let names = byText.get(scriptName);
  if (!names) byText.set(scriptName, (names = new Map()));
  const known = names.get(code);
  if (known) {
    names.delete(code); // least-recently-used order
    names.set(code, known);
    return known;
  }
  const entry = compileUncached(code, scriptName);
  names.set(code, entry);
  if (names.size > MAX_CACHED) names.delete(names.keys().next().value as string);
  return entry;
}

function compileUncached(code: string, scriptName: string): CompiledCode {
  const hash = createHash('sha256').update(scriptName).update('\0').update(code).digest('hex');
  const hit = cache.get(hash);
  if (hit) {
    cache.delete(hash); // keep the map in least-recently-used order
    cache.set(hash, hit);
    return hit;
  }
  // Positions must refer to the code as submitted, so an embedded source map is not followed.
  const source = code.replace(SOURCE_MAP_COMMENT, '');
  let result;
  try {
    result = transformSync(source, { loader: 'js', format: 'cjs', target: 'es2022', sourcemap: 'external', sourcefile: scriptName, logLevel: 'silent' });
  } catch (e) {
    const errors = toCodeErrors((e as { errors?: Message[] }).errors ?? []);
    const first = errors[0];
    const where = first ? ` (line ${first.location.line}, column ${first.location.column}): ${first.value}` : '';
    throw new CompileError(`The code contains one or more errors${where}`, errors);
  }
  const body = result.code.replace(REQUIRE_CALL, (_m, quote: string, name: string) => `__appsyncRequire(${quote}${name}${quote})`);
  const script = `${HEADER}${body}\n};`;
  const mappings = decodeMappings((JSON.parse(result.map) as { mappings: string }).mappings);
  const entry: CompiledCode = { hash, source: script, mappings, generatedLines: body.split('\n'), scriptName };
  compiled += 1;
  cache.set(hash, entry);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return entry;
}
