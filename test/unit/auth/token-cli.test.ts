import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { authSettingsFromEnv } from '../../../local/appsync/auth/config.ts';
import { authenticate } from '../../../local/appsync/auth/authenticate.ts';
import { verifyToken } from '../../../local/appsync/auth/jwt.ts';
import { tokenCommand, type TokenIo } from '../../../local/cli/token.ts';
import { cleanupTempDirs, tempDir } from './helpers.ts';

afterAll(cleanupTempDirs);

function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cwd = tempDir();
  const io: TokenIo = { env, cwd, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
  return tokenCommand(argv, io).then((code) => ({ code, stdout: out.join(''), stderr: err.join(''), cwd }));
}

describe('splitloop token', () => {
  it('prints one line: a JWT the local API accepts, with the given user, groups, email and lifetime', async () => {
    const dataDir = tempDir();
    const env = { SPLITLOOP_DATA_DIR: dataDir };
    const before = Math.floor(Date.now() / 1000);
    const r = await run(['--user', 'erin', '--groups', 'experimenters, viewers', '--email', 'erin@example.com', '--expires', '120'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(existsSync(join(dataDir, 'jwt-key.pem'))).toBe(true);

    const settings = authSettingsFromEnv(env);
    const claims = verifyToken(r.stdout.trim(), settings);
    expect(claims['cognito:username']).toBe('erin');
    expect(claims['cognito:groups']).toEqual(['experimenters', 'viewers']);
    expect(claims.email).toBe('erin@example.com');
    expect(claims.exp - claims.iat).toBe(120);
    expect(claims.iat).toBeGreaterThanOrEqual(before);

    const principal = await authenticate({ authorization: r.stdout.trim() }, { method: 'POST', path: '/graphql', body: '{}' }, settings);
    expect(principal).toMatchObject({ mode: 'AMAZON_COGNITO_USER_POOLS', identity: { username: 'erin', groups: ['experimenters', 'viewers'] } });
  });

  it('accepts --name=value, no groups, and keeps the key under ./.splitloop by default', async () => {
    const r = await run(['--user=nina']);
    expect(r.code).toBe(0);
    expect(existsSync(join(r.cwd, '.splitloop', 'jwt-key.pem'))).toBe(true);
    const claims = verifyToken(r.stdout.trim(), authSettingsFromEnv({}, { cwd: r.cwd }));
    expect(claims['cognito:username']).toBe('nina');
    expect(claims).not.toHaveProperty('cognito:groups');
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it.each([
    [[], '--user is required'],
    [['--groups', 'a'], '--user is required'],
    [['--user'], '--user needs a value'],
    [['--user', 'a', '--expires', 'soon'], '--expires must be a positive whole number'],
    [['--user', 'a', '--expires', '0'], '--expires must be a positive whole number'],
    [['--user', 'a', '--email', 'nope'], 'is not an email address'],
    [['--user', 'a', '--bogus', 'x'], 'unknown option "--bogus"'],
    [['--user', 'a', 'extra'], 'unexpected argument "extra"'],
    [['--user', 'a', '--user', 'b'], '--user is given twice'],
  ])('exits 2 with usage for %j', async (argv, message) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('usage: splitloop token --user ID');
  });

  it('prints usage for --help and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: splitloop token');
  });
});
