import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authSettingsFromEnv, type AuthSettings, type AuthSettingsOptions } from '../../../local/appsync/auth/config.ts';

const dirs: string[] = [];

export function tempDir(prefix = 'splitloop-auth-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Settings from an empty environment (all defaults) with the key under a fresh temp dir. */
export function testSettings(options: AuthSettingsOptions = {}, env: Record<string, string> = {}): AuthSettings {
  return authSettingsFromEnv(env, { dataDir: tempDir(), ...options });
}
