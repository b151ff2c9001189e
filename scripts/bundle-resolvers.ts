// The one build step for APPSYNC_JS code: CDK deploys these bytes and the local runtime runs these
// bytes, so what is tested locally is what AppSync receives.
import { buildSync } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Manifest } from '../resolvers/manifest-types.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const RESOLVER_BUILD_DIR = join(ROOT, 'build', 'resolvers');
/** AppSync's limit on a resolver's or function's code (API reference: Resolver.code). */
export const MAX_CODE_CHARS = 32_768;

export interface BundledCode {
  source: string;
  outFile: string;
  code: string;
}

export function codePaths(manifest: Manifest): string[] {
  const paths = new Set<string>();
  for (const r of manifest.resolvers) if (r.kind !== 'LAMBDA') paths.add(r.code);
  for (const f of manifest.functions) paths.add(f.code);
  return [...paths].sort();
}

export function outFileFor(source: string, outDir = RESOLVER_BUILD_DIR): string {
  return join(outDir, source.replace(/^resolvers\//, '').replace(/\.ts$/, '.js'));
}

/** Bundles one APPSYNC_JS source file (TypeScript or JS) with AppSync's reference esbuild flags. */
export function bundleOne(sourceFile: string, outFile?: string): string {
  const result = buildSync({
    entryPoints: [sourceFile],
    bundle: true,
    write: false,
    outfile: outFile ?? 'out.js',
    sourcemap: 'inline',
    sourcesContent: false,
    target: 'esnext',
    platform: 'node',
    format: 'esm',
    external: ['@aws-appsync/*'],
    logLevel: 'silent',
  });
  const file = result.outputFiles.find((f) => f.path.endsWith('.js'));
  if (!file) throw new Error(`esbuild produced no output for ${sourceFile}`);
  return file.text;
}

export function bundleResolvers(manifest: Manifest, outDir = RESOLVER_BUILD_DIR): Map<string, BundledCode> {
  const bundles = new Map<string, BundledCode>();
  for (const source of codePaths(manifest)) {
    const outFile = outFileFor(source, outDir);
    const code = bundleOne(join(ROOT, source), outFile);
    if (code.length > MAX_CODE_CHARS) {
      throw new Error(`${source} bundles to ${code.length} characters; AppSync accepts at most ${MAX_CODE_CHARS}`);
    }
    bundles.set(source, { source, outFile, code });
  }
  return bundles;
}

export async function writeBundles(bundles: Map<string, BundledCode>): Promise<void> {
  const { writeFileSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  for (const b of bundles.values()) {
    mkdirSync(dirname(b.outFile), { recursive: true });
    writeFileSync(b.outFile, b.code);
  }
}
