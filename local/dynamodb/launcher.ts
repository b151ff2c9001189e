// The loopback launcher for DynamoDB Local (LoopbackDynamoDBLocal.java): compiled with `javac` on
// first use into a folder named by the source's hash, reused afterwards. Without a JDK (a JRE has
// no javac) there is no launcher, and DynamoDB Local listens on every interface: the caller says so.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SOURCE = resolve(import.meta.dirname, 'LoopbackDynamoDBLocal.java');
export const LAUNCHER_CLASS = 'LoopbackDynamoDBLocal';
const DEFAULT_CACHE = resolve(import.meta.dirname, '..', '..', '.splitloop', 'loopback-launcher');

export type Launcher = { classDir: string } | { unavailable: string };

let cached: Launcher | undefined;

export function loopbackLauncher(cacheDir = DEFAULT_CACHE): Launcher {
  if (cached) return cached;
  const source = readFileSync(SOURCE);
  const classDir = join(cacheDir, createHash('sha256').update(source).digest('hex').slice(0, 16));
  if (existsSync(join(classDir, `${LAUNCHER_CLASS}.class`))) return (cached = { classDir });
  mkdirSync(cacheDir, { recursive: true });
  // Compile into a private folder and rename it into place: concurrent starts (test workers) race safely.
  const work = mkdtempSync(join(cacheDir, 'build-'));
  const out = spawnSync('javac', ['-d', work, SOURCE], { encoding: 'utf8' });
  if (out.error || out.status !== 0) {
    rmSync(work, { recursive: true, force: true });
    const why = out.error ? `javac could not be run (${out.error.message})` : `javac failed: ${(out.stderr || out.stdout).trim().slice(0, 300)}`;
    return (cached = { unavailable: why });
  }
  try {
    renameSync(work, classDir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another process got there first
  }
  return (cached = { classDir });
}
