// `splitloop evaluate --code FILE --function request|response --context FILE`: AppSync's
// EvaluateCode, offline. Prints the response as JSON on stdout and exits 0 both for a result and
// for an evaluation error; bad usage (missing or unreadable files, a context AppSync would
// reject) prints a message on stderr and exits 2.
import { parseFlags, UsageError } from './flags.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EvaluateCodeRequestError, evaluateCode } from '../appsync/js/evaluate-code.ts';

export const EVALUATE_USAGE = `usage: splitloop evaluate --code FILE --function request|response --context FILE [--timeout MS]

Runs one handler of an APPSYNC_JS resolver or function offline, like AppSync's EvaluateCode, and
prints {"evaluationResult": "<JSON text>", "logs": [...]} or {"error": {"message": "..."}, "logs": [...]}
(plus "stash" and "outErrors", as the API returns them).
  --code FILE        bundled JavaScript (ESM), or TypeScript (.ts/.mts/.cts), bundled first
  --function NAME    request or response
  --context FILE     the context object as JSON (arguments, identity, source, result, stash, ...)
  --timeout MS       wall-clock limit for the handler (default 1000)
`;

export interface EvaluateIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo = (): EvaluateIo => ({
  cwd: process.cwd(),
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
});

function parseArgs(argv: string[]): Map<string, string> | 'help' {
  const { flags: values, help } = parseFlags(argv, { values: ['code', 'function', 'context', 'timeout'] });
  if (help) return 'help';
  for (const required of ['code', 'function', 'context']) {
    if (!values.has(required)) throw new UsageError(`--${required} is required`);
  }
  const fn = values.get('function');
  if (fn !== 'request' && fn !== 'response') throw new UsageError(`--function must be "request" or "response", got "${fn}"`);
  const timeout = values.get('timeout');
  if (timeout !== undefined && !(Number.isInteger(Number(timeout)) && Number(timeout) > 0)) {
    throw new UsageError(`--timeout must be a positive number of milliseconds, got "${timeout}"`);
  }
  return values;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the ${what} file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function evaluateCommand(argv: string[], io: EvaluateIo = defaultIo()): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      io.stdout(EVALUATE_USAGE);
      return 0;
    }
    const codeFile = path.resolve(io.cwd, args.get('code') as string);
    const contextFile = path.resolve(io.cwd, args.get('context') as string);
    const output = await evaluateCode({
      code: readText(codeFile, 'code'),
      function: args.get('function') as string,
      context: readText(contextFile, 'context'),
      language: /\.[mc]?ts$/.test(codeFile) ? 'typescript' : 'javascript',
      resolveDir: path.dirname(codeFile),
      timeoutMs: args.has('timeout') ? Number(args.get('timeout')) : undefined,
    });
    io.stdout(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof EvaluateCodeRequestError) {
      io.stderr(`splitloop evaluate: ${e.message}\n\n${EVALUATE_USAGE}`);
      return 2;
    }
    throw e;
  }
}
