// Bundles the dashboard with esbuild into dashboard/dist/ (git-ignored): app.js (ESM, with a
// source map), styles.css, and index.html with the Content-Security-Policy (dashboard/csp.ts). `npm start`, the browser tests and the CDK construct
// call buildDashboard(); `npx tsx dashboard/build.ts` builds it by hand.
import { build, buildSync, type BuildOptions } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AWS_CONNECT_SRC, dashboardCsp } from './csp.ts';

export const DASHBOARD_DIR = resolve(import.meta.dirname);
export const DIST_DIR = join(DASHBOARD_DIR, 'dist');
const STATIC_FILES = ['styles.css'];
const CSP_MARKER = '<!-- content-security-policy -->';

export interface BuildDashboardOptions {
  outDir?: string;
  minify?: boolean;
}

function esbuildOptions(outDir: string, minify: boolean): BuildOptions {
  return {
    entryPoints: [join(DASHBOARD_DIR, 'src', 'main.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    sourcemap: true,
    minify,
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  };
}

function prepare(outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const file of STATIC_FILES) copyFileSync(join(DASHBOARD_DIR, file), join(outDir, file));
  const html = readFileSync(join(DASHBOARD_DIR, 'index.html'), 'utf8');
  if (!html.includes(CSP_MARKER)) throw new Error(`dashboard/index.html lacks the ${CSP_MARKER} marker`);
  const csp = dashboardCsp({ connectSrc: AWS_CONNECT_SRC, meta: true });
  writeFileSync(join(outDir, 'index.html'), html.replace(CSP_MARKER, `<meta http-equiv="Content-Security-Policy" content="${csp}" />`));
}

/** Builds the page into `outDir` (default dashboard/dist) and returns that folder. */
export async function buildDashboard(options: BuildDashboardOptions = {}): Promise<string> {
  const outDir = options.outDir ?? DIST_DIR;
  prepare(outDir);
  await build(esbuildOptions(outDir, options.minify ?? true));
  return outDir;
}

/** The same, synchronously (for CDK synthesis, which cannot await). */
export function buildDashboardSync(options: BuildDashboardOptions = {}): string {
  const outDir = options.outDir ?? DIST_DIR;
  prepare(outDir);
  buildSync(esbuildOptions(outDir, options.minify ?? true));
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const outDir = await buildDashboard();
  process.stdout.write(`dashboard built into ${outDir} in ${Date.now() - started} ms\n`);
}
