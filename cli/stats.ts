// `splitloop stats [--input FILE]`: reads a StatsInput (CONTRACT.md, "Statistics input and
// output") from FILE, or from stdin when no --input is given, and prints the statistics as JSON
// (2-space indent). Exit 0 on success; 2 for bad usage or input (message on stderr).
import { parseFlags, UsageError } from '../local/cli/flags.ts';
import { readFile } from 'node:fs/promises';
import { analyze, StatsInputError, type StatsInput } from '../lambdas/domain/stats/analyze.ts';

const USAGE = `usage: splitloop stats [--input FILE]

Prints the statistics of the results engine for the given counts. Without --input, reads the
JSON input from stdin. Input: {"alpha": 0.05, "control": "A", "expectedSplit": {"A": 0.5, "B": 0.5},
"variants": [{"key": "A", "users": 1000, "conversions": 100}, ...],
"metrics": [{"name": "revenue", "variants": [{"key": "A", "users": 1000, "sum": 5230.5, "sumSquares": 98012.25}, ...]}]}
`;

export interface StatsIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

function parseArgs(argv: string[]): { input?: string; help: boolean } {
  const args = argv[0] === 'stats' ? argv.slice(1) : argv;
  const { flags, help } = parseFlags(args, { values: ['input'], aliases: { '-i': 'input' } });
  const input = flags.get('input');
  if (input === '') throw new UsageError('--input needs a file name: splitloop stats --input FILE');
  return input === undefined ? { help } : { input, help };
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

export async function statsCommand(argv: string[], stdin: NodeJS.ReadableStream, io: StatsIo = process): Promise<number> {
  let source = 'stdin';
  try {
    const { input, help } = parseArgs(argv);
    if (help) {
      io.stdout.write(USAGE);
      return 0;
    }
    let text: string;
    if (input !== undefined) {
      source = input;
      try {
        text = await readFile(input, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
        io.stderr.write(`splitloop stats: cannot read ${input}: ${why}\n`);
        return 2;
      }
    } else {
      if ((stdin as NodeJS.ReadableStream & { isTTY?: boolean }).isTTY) {
        throw new UsageError('no input: pass --input FILE or pipe the JSON input on stdin');
      }
      text = await readStream(stdin);
    }
    if (text.trim() === '') {
      io.stderr.write(`splitloop stats: ${source} is empty: expected the JSON input (see splitloop stats --help)\n`);
      return 2;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      io.stderr.write(`splitloop stats: ${source} is not valid JSON: ${(e as Error).message}\n`);
      return 2;
    }
    const output = analyze(parsed as StatsInput);
    io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`splitloop stats: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof StatsInputError) {
      const lines = e.fields.length > 0 ? e.fields.map((f) => `  - ${f.message}`).join('\n') : `  - ${e.message}`;
      io.stderr.write(`splitloop stats: invalid input in ${source}:\n${lines}\n`);
      return 2;
    }
    throw e;
  }
}
