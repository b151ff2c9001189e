import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');

it('generated/ is what `npm run codegen` writes from schema/ (run it after a schema change)', async () => {
  const { config } = await loadCodegenConfig({ configFilePath: join(root, 'codegen.yml') });
  const outputs = (await generate({ ...config, cwd: root, silent: true }, false)) as { filename: string; content: string }[];
  expect(outputs.length).toBeGreaterThan(0);
  for (const output of outputs) {
    const committed = readFileSync(join(root, output.filename), 'utf8');
    expect(committed, `${output.filename} is stale`).toBe(output.content);
  }
}, 120_000);
