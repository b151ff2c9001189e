// Consistency of a manifest with its schema and its resolver folder. Both the test suite and the
// local runtime's start-up run it, so a drift is caught before AppSync (or a user) finds it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isObjectType, type GraphQLSchema } from 'graphql';
import type { Manifest } from '../../resolvers/manifest-types.ts';

export interface ManifestCheckOptions {
  root: string;
  /** Folder whose every code file must be referenced (relative to root). */
  resolverDir?: string;
  /** Files in resolverDir that are not resolver code (the manifest itself). */
  ignoreFiles?: string[];
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

export function checkManifest(manifest: Manifest, schema: GraphQLSchema, options: ManifestCheckOptions): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const dataSources = new Set(manifest.dataSources.map((d) => d.name));
  const functions = new Set(manifest.functions.map((f) => f.name));
  const lambdas = new Set(manifest.lambdas.map((l) => l.id));
  const tables = new Set(manifest.tables.map((t) => t.id));
  const referenced = new Set<string>();

  // AppSync's accepted ranges (CreateGraphqlApi): a value outside them fails the deployment.
  const { queryDepthLimit, resolverCountLimit } = manifest.api ?? {};
  if (queryDepthLimit !== undefined && !(Number.isInteger(queryDepthLimit) && queryDepthLimit >= 0 && queryDepthLimit <= 75)) {
    problems.push(`api.queryDepthLimit must be an integer from 0 (no limit) to 75, not ${queryDepthLimit}`);
  }
  if (resolverCountLimit !== undefined && !(Number.isInteger(resolverCountLimit) && resolverCountLimit >= 0 && resolverCountLimit <= 10_000)) {
    problems.push(`api.resolverCountLimit must be an integer from 0 (AppSync's 10000) to 10000, not ${resolverCountLimit}`);
  }
  for (const ds of manifest.dataSources) {
    if (ds.type === 'AWS_LAMBDA' && !lambdas.has(ds.lambda)) problems.push(`data source ${ds.name} names unknown lambda ${ds.lambda}`);
    if (ds.type === 'AMAZON_DYNAMODB' && !tables.has(ds.table)) problems.push(`data source ${ds.name} names unknown table ${ds.table}`);
  }
  for (const l of manifest.lambdas) {
    if (!existsSync(join(options.root, l.entry))) problems.push(`lambda ${l.id}: entry ${l.entry} does not exist`);
    for (const t of l.tables) if (!tables.has(t.table)) problems.push(`lambda ${l.id} names unknown table ${t.table}`);
  }
  for (const s of manifest.schedules ?? []) {
    if (!lambdas.has(s.lambda)) problems.push(`schedule ${s.id} names unknown lambda ${s.lambda}`);
    if (!(s.rateMinutes >= 1) || !Number.isInteger(s.rateMinutes)) problems.push(`schedule ${s.id}: rateMinutes must be a whole number >= 1`);
  }
  for (const f of manifest.functions) {
    if (!dataSources.has(f.dataSource)) problems.push(`function ${f.name} names unknown data source ${f.dataSource}`);
    referenced.add(f.code);
  }

  for (const r of manifest.resolvers) {
    const field = `${r.typeName}.${r.fieldName}`;
    if (seen.has(field)) problems.push(`${field} is resolved twice`);
    seen.add(field);
    const type = schema.getType(r.typeName);
    if (!type || !isObjectType(type) || !type.getFields()[r.fieldName]) problems.push(`${field} is in the manifest but not in the schema`);
    if (r.kind !== 'PIPELINE' && !dataSources.has(r.dataSource)) problems.push(`${field} names unknown data source ${r.dataSource}`);
    if (r.kind === 'PIPELINE') {
      for (const fn of r.functions) if (!functions.has(fn)) problems.push(`${field} names unknown function ${fn}`);
    }
    if (r.kind !== 'LAMBDA') referenced.add(r.code);
  }

  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const name of Object.keys(root.getFields())) {
      if (!seen.has(`${root.name}.${name}`)) problems.push(`${root.name}.${name} is in the schema but has no resolver`);
    }
  }

  for (const code of referenced) {
    if (!existsSync(join(options.root, code))) problems.push(`code file ${code} does not exist`);
  }
  if (options.resolverDir) {
    const ignore = new Set(options.ignoreFiles ?? []);
    for (const file of listFiles(join(options.root, options.resolverDir))) {
      const rel = relative(options.root, file);
      if (!ignore.has(rel) && !referenced.has(rel)) problems.push(`${rel} is referenced by nothing in the manifest`);
    }
  }
  return problems;
}
