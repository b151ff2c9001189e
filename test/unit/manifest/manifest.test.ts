import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { manifest } from '../../../resolvers/manifest.ts';
import { lambdaEnvironment, type Manifest } from '../../../resolvers/manifest-types.ts';
import { checkManifest } from '../../../local/appsync/manifest-check.ts';
import { loadSchema } from '../../../local/appsync/schema.ts';
import { buildSchema } from 'graphql';
import { loadSchemaSdl } from '../../../local/appsync/schema.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const schemaFile = join(root, 'schema', 'schema.graphql');
const appsyncFile = join(root, 'schema', 'appsync.graphql');
const options = { root, resolverDir: 'resolvers', ignoreFiles: ['resolvers/manifest.ts', 'resolvers/manifest-types.ts'] };

describe('resolvers/manifest.ts', () => {
  it('matches the schema and the resolver folder exactly', () => {
    expect(checkManifest(manifest, loadSchema(schemaFile, appsyncFile), options)).toEqual([]);
  });

  it('fails when the schema gains a field that has no resolver', () => {
    const sdl = `${loadSchemaSdl(schemaFile, appsyncFile)}\nextend type Query { newField: String }`;
    expect(checkManifest(manifest, buildSchema(sdl), options)).toContain('Query.newField is in the schema but has no resolver');
  });

  it('fails on a manifest entry whose field is not in the schema, and on a duplicate Type.field', () => {
    const bad: Manifest = {
      ...manifest,
      resolvers: [
        ...manifest.resolvers,
        { typeName: 'Query', fieldName: 'ghost', kind: 'UNIT', dataSource: 'None', code: 'resolvers/Query.experiment.ts' },
        manifest.resolvers[0]!,
      ],
    };
    const problems = checkManifest(bad, loadSchema(schemaFile, appsyncFile), options);
    expect(problems).toContain('Query.ghost is in the manifest but not in the schema');
    expect(problems).toContain(`${manifest.resolvers[0]!.typeName}.${manifest.resolvers[0]!.fieldName} is resolved twice`);
  });

  it('fails on a resolver file that nothing references and on unknown data sources', () => {
    const bad: Manifest = {
      ...manifest,
      resolvers: manifest.resolvers.map((r) =>
        r.fieldName === 'liveCounts' && r.kind === 'UNIT' ? { ...r, dataSource: 'Nowhere' } : r.fieldName === 'experiment' ? { ...r, kind: 'LAMBDA', dataSource: 'AdminLambda' } : r,
      ),
    };
    const problems = checkManifest(bad, loadSchema(schemaFile, appsyncFile), options);
    expect(problems).toContain('resolvers/Query.experiment.ts is referenced by nothing in the manifest');
    expect(problems).toContain('Query.liveCounts names unknown data source Nowhere');
  });

  it('declares every Cognito group the schema names (infra creates them from the manifest)', () => {
    const sdl = loadSchemaSdl(schemaFile, appsyncFile);
    const named = new Set([...sdl.matchAll(/cognito_groups:\s*\[([^\]]*)\]/g)].flatMap((m) => [...m[1]!.matchAll(/"([^"]+)"/g)].map((g) => g[1]!)));
    expect([...named].sort()).toEqual(manifest.auth.userPoolGroups.map((g) => g.name).sort());
  });

  it("gives each Lambda its first table as TABLE_NAME, and GRAPHQL_URL only when it calls the API", () => {
    const physical = { tableName: (id: string) => `phys-${id}`, graphqlUrl: 'https://api/graphql' };
    const byId = Object.fromEntries(manifest.lambdas.map((l) => [l.id, lambdaEnvironment(l, physical)]));
    expect(byId.admin).toEqual({ TABLE_NAME: 'phys-main' });
    expect(byId.aggregate).toEqual({ TABLE_NAME: 'phys-main', GRAPHQL_URL: 'https://api/graphql' });
    expect(lambdaEnvironment({ id: 'x', entry: 'x.ts', description: '', tables: [] }, physical)).toEqual({});
  });
});
