// Bundles the sandbox runtime (runtime/entry.ts and what it imports) into one script with
// esbuild, once per process; the evaluator workers compile it once each and run it in every
// fresh context.
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

let source: string | null = null;

export const RUNTIME_SCRIPT_NAME = 'appsync-js-runtime.js';

export function runtimeSource(): string {
  if (source !== null) return source;
  const entry = fileURLToPath(new URL('./runtime/entry.ts', import.meta.url));
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text;
  if (!text) throw new Error('esbuild produced no output for the APPSYNC_JS runtime');
  source = text;
  return source;
}
