// The manifest lists which Lambda resolves each field; each Lambda's registry lists the fields it
// handles. Nothing else ties the two lists together, so this test does: a field without a handler
// would fail at run time with UnknownField, a handler without a field is dead code.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { manifest } from '../../../resolvers/manifest.ts';
import type { Manifest } from '../../../resolvers/manifest-types.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');

/** Lambda id -> the `Type.field`s the manifest sends to it. */
function lambdaFields(m: Manifest): Map<string, string[]> {
  const lambdaOf = new Map(m.dataSources.flatMap((d) => (d.type === 'AWS_LAMBDA' ? [[d.name, d.lambda] as const] : [])));
  const out = new Map<string, string[]>();
  for (const r of m.resolvers) {
    const lambda = 'dataSource' in r ? lambdaOf.get(r.dataSource) : undefined;
    if (lambda) out.set(lambda, [...(out.get(lambda) ?? []), `${r.typeName}.${r.fieldName}`]);
  }
  return out;
}

async function registryFields(entry: string): Promise<string[] | undefined> {
  const mod = (await import(pathToFileURL(join(root, entry)).href)) as { handler?: { fields?: string[] } };
  return mod.handler?.fields;
}

describe('Lambda-backed fields', () => {
  const byLambda = lambdaFields(manifest);

  it('the manifest sends fields to the admin, assign, events and results Lambdas', () => {
    expect([...byLambda.keys()].sort()).toEqual(['admin', 'assign', 'events', 'results']);
  });

  it.each([...byLambda.entries()])('%s: every field has a handler and every handler a field', async (id, fields) => {
    const def = manifest.lambdas.find((l) => l.id === id)!;
    expect((await registryFields(def.entry))?.sort()).toEqual([...fields].sort());
  });

  it('a field added to the manifest but not to the registry is caught', async () => {
    const grown = lambdaFields({
      ...manifest,
      resolvers: [...manifest.resolvers, { typeName: 'Mutation', fieldName: 'archiveExperiment', kind: 'UNIT', dataSource: 'AdminLambda', code: 'resolvers/invokeLambda.ts' }],
    });
    expect(grown.get('admin')).toContain('Mutation.archiveExperiment');
    expect(await registryFields('lambdas/admin/handler.ts')).not.toContain('Mutation.archiveExperiment');
  });
});
