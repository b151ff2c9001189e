// The loopback launcher's fallback: without javac (a JRE only) there is no launcher, and the reason
// is given so that `npm start` can say DynamoDB Local listens on every interface.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loopbackLauncher } from '../../../local/dynamodb/launcher.ts';

const path = process.env.PATH;
afterEach(() => {
  process.env.PATH = path;
});

it('reports why there is no launcher when javac cannot be run', () => {
  process.env.PATH = mkdtempSync(join(tmpdir(), 'sl-nojavac-'));
  const launcher = loopbackLauncher(mkdtempSync(join(tmpdir(), 'sl-launcher-')));
  expect(launcher).toEqual({ unavailable: expect.stringMatching(/^javac could not be run/) });
});
