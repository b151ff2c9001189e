// Loads an AppSync schema the way AppSync sees it: the deployed SDL plus AppSync's own scalars and
// directives, which the deployed file must not declare.
import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLSchema } from 'graphql';

export function loadSchemaSdl(schemaFile: string, appsyncFile: string): string {
  return `${readFileSync(appsyncFile, 'utf8')}\n${readFileSync(schemaFile, 'utf8')}`;
}

export function loadSchema(schemaFile: string, appsyncFile: string): GraphQLSchema {
  return buildSchema(loadSchemaSdl(schemaFile, appsyncFile));
}
