// The import boundaries of eslint/boundaries.js, each fed a violation and an allowed import, so a
// rule that stops matching (a renamed folder, a wrong pattern) fails here rather than silently.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { boundaries } from '../../../eslint/boundaries.js';

const root = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...boundaries],
});

async function restricted(file: string, source: string): Promise<boolean> {
  const [result] = await eslint.lintText(source, { filePath: join(root, file) });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

const cases: [file: string, source: string, forbidden: boolean][] = [
  ['local/appsync/probe.ts', "import { keys } from '../../model/keys.ts';", true],
  ['local/appsync/probe.ts', "import { handler } from '../../lambdas/admin/handler.ts';", true],
  ['local/probe.ts', "import { manifest } from '../resolvers/manifest.ts';", true],
  ['local/appsync/probe.ts', "import type { Manifest } from '../../resolvers/manifest-types.ts';", false],
  ['local/appsync/probe.ts', "import { loadSchema } from './schema.ts';", false],
  ['lambdas/domain/probe.ts', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", true],
  ['lambdas/domain/probe.ts', "import { randomUUID } from 'node:crypto';", true],
  ['lambdas/domain/probe.ts', "import { createHash } from 'crypto';", true],
  ['lambdas/domain/probe.ts', "import { dynamoStores } from '../store/stores.ts';", true],
  ['lambdas/domain/probe.ts', "import { isRecord } from '../../model/guards.ts';", false],
  ['model/probe.ts', "import type { Experiment } from '../lambdas/domain/experiment.ts';", true],
  ['model/probe.ts', "import { x } from 'node:path';", true],
  ['model/probe.ts', "import { keys } from './keys.ts';", false],
  ['model/probe.ts', "import { util } from '@aws-appsync/utils';", false],
];

describe('import boundaries', () => {
  it.each(cases)('%s: %s -> forbidden %s', async (file, source, forbidden) => {
    expect(await restricted(file, source)).toBe(forbidden);
  });
});
