// Turns bundled ESM resolver code into a script for the vm context: esbuild rewrites the ESM
// into CommonJS form, the `@aws-appsync/*` imports are routed to the sandbox runtime's modules,
// and the whole is wrapped in a loader function that the runtime calls once per context.
// Compiled scripts are cached by a hash of the code, so a resolver is parsed once per process.
import { createHash } from 'node:crypto';
import vm from 'node:vm';
import { transformSync, type Message } from 'esbuild';
import { decodeMappings, type LineMappings } from './sourcemap.ts';

export interface CompiledCode {
  hash: string;
  script: vm.Script;
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
  const script = new vm.Script(`${HEADER}${body}\n};`, { filename: scriptName, lineOffset: -1 });
  const mappings = decodeMappings((JSON.parse(result.map) as { mappings: string }).mappings);
  const entry: CompiledCode = { hash, script, mappings, generatedLines: body.split('\n'), scriptName };
  compiled += 1;
  cache.set(hash, entry);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return entry;
}
