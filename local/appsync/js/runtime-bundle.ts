// Bundles the sandbox runtime (runtime/entry.ts and what it imports) into one script with
// esbuild, once per process, and compiles it once: every evaluation runs the same vm.Script in
// its own fresh context.
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

let script: vm.Script | null = null;

export const RUNTIME_SCRIPT_NAME = 'appsync-js-runtime.js';

export function runtimeScript(): vm.Script {
  if (script) return script;
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
  script = new vm.Script(text, { filename: RUNTIME_SCRIPT_NAME });
  return script;
}
