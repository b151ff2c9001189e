import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../local/appsync/auth/authenticate.ts';
import { authenticate } from '../../../local/appsync/auth/authenticate.ts';
import type { AuthSettings } from '../../../local/appsync/auth/config.ts';
import {
  assertAllowed,
  buildAuthRules,
  FieldUnauthorizedError,
  isAllowed,
  ruleFor,
  unauthorizedError,
} from '../../../local/appsync/auth/directives.ts';
import { signToken } from '../../../local/appsync/auth/jwt.ts';
import { signRequest } from '../../../local/appsync/auth/sigv4.ts';
import { cleanupTempDirs, testSettings } from './helpers.ts';

afterAll(cleanupTempDirs);

const root = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const APPSYNC_SDL = readFileSync(root('schema/appsync.graphql'), 'utf8');
const schema = buildSchema(`${APPSYNC_SDL}\n${readFileSync(root('schema/schema.graphql'), 'utf8')}`);

// The real principals, made by authenticate() from real credentials.
const settings = testSettings(); // API_KEY default, IAM + Cognito additional
const REQ = { method: 'POST', path: '/graphql', body: '{}' };
const apiKey = await authenticate({ 'x-api-key': settings.apiKeys[0] }, REQ, settings);
const iam = await authenticate(await signRequest({ url: 'http://localhost:4000/graphql', body: '{}' }, settings.iam), REQ, settings);
const experimenter = await authenticate({ authorization: signToken({ user: 'erin', groups: ['experimenters'] }, settings) }, REQ, settings);
const viewer = await authenticate({ authorization: signToken({ user: 'victor', groups: ['viewers'] }, settings) }, REQ, settings);
const noGroups = await authenticate({ authorization: signToken({ user: 'nina' }, settings) }, REQ, settings);

const rules = buildAuthRules(schema, settings);

type Who = 'apiKey' | 'iam' | 'experimenter' | 'viewer' | 'noGroups';
const principals: Record<Who, Principal> = { apiKey, iam, experimenter, viewer, noGroups };
const everyone = Object.keys(principals) as Who[];

function allowedFor(typeName: string, fieldName: string): Who[] {
  return everyone.filter((who) => isAllowed(rules, typeName, fieldName, principals[who]));
}

describe('directive rules of schema/schema.graphql', () => {
  it('authenticated the fixtures as the expected modes', () => {
    expect([apiKey.mode, iam.mode, experimenter.mode, viewer.mode, noGroups.mode]).toEqual([
      'API_KEY', 'AWS_IAM', 'AMAZON_COGNITO_USER_POOLS', 'AMAZON_COGNITO_USER_POOLS', 'AMAZON_COGNITO_USER_POOLS',
    ]);
    expect(rules.warnings).toEqual([]);
  });

  it.each<[string, string, Who[]]>([
    // Query: the type has no directives, so each field's own directives decide.
    ['Query', 'results', ['experimenter']],
    ['Query', 'experiment', ['experimenter']],
    ['Query', 'experiments', ['experimenter']],
    ['Query', 'assignment', ['apiKey', 'experimenter']],
    ['Query', 'referralCode', ['apiKey']],
    ['Query', 'liveCounts', ['apiKey', 'experimenter']],
    // Mutation
    ['Mutation', 'createExperiment', ['experimenter']],
    ['Mutation', 'updateExperiment', ['experimenter']],
    ['Mutation', 'startExperiment', ['experimenter']],
    ['Mutation', 'assign', ['apiKey']],
    ['Mutation', 'recordInvite', ['apiKey']],
    ['Mutation', 'recordClick', ['apiKey']],
    ['Mutation', 'recordSignup', ['iam']],
    ['Mutation', 'recordConversion', ['iam']],
    ['Mutation', 'publishCounts', ['iam']],
    // Subscription
    ['Subscription', 'onCountsChanged', ['apiKey', 'experimenter']],
    // Nested object types: fields without directives take their type's.
    ['LiveCounts', 'variants', ['apiKey', 'iam', 'experimenter']],
    ['VariantCounts', 'conversions', ['apiKey', 'iam', 'experimenter']],
    ['Experiment', 'name', ['experimenter']],
    ['Experiment', 'variants', ['experimenter']],
    ['Variant', 'config', ['apiKey', 'experimenter']],
    ['Assignment', 'variant', ['apiKey', 'experimenter']],
    ['ReferralCode', 'code', ['apiKey', 'experimenter']],
    ['RecordResult', 'outcome', ['apiKey', 'iam']],
    ['Results', 'variants', ['experimenter']],
    ['Funnel', 'viralCoefficient', ['experimenter']],
  ])('%s.%s is allowed for %j', (typeName, fieldName, expected) => {
    expect(allowedFor(typeName, fieldName)).toEqual(expected);
  });

  it('precomputes where each rule comes from', () => {
    expect(ruleFor(rules, 'Query', 'results')).toEqual({ modes: ['AMAZON_COGNITO_USER_POOLS'], cognitoGroups: ['experimenters'], source: 'field' });
    expect(ruleFor(rules, 'LiveCounts', 'variants')).toEqual({
      modes: ['API_KEY', 'AWS_IAM', 'AMAZON_COGNITO_USER_POOLS'],
      cognitoGroups: ['experimenters'],
      source: 'type',
    });
    expect(rules.types.get('Query')?.rule).toBeNull();
  });

  it('always allows introspection', () => {
    expect(isAllowed(rules, 'Query', '__typename', viewer)).toBe(true);
    expect(isAllowed(rules, '__Schema', 'types', apiKey)).toBe(true);
  });

  it("throws AppSync's Unauthorized error shape", () => {
    const err = unauthorizedError('Query', 'results');
    expect(err).toBeInstanceOf(FieldUnauthorizedError);
    expect(err.message).toBe('Not Authorized to access results on type Query');
    expect(err.errorType).toBe('Unauthorized');
    expect(err.errorInfo).toBeNull();
    expect(err.data).toBeNull();
    expect(() => assertAllowed(rules, 'Experiment', 'name', apiKey)).toThrow('Not Authorized to access name on type Experiment');
    expect(() => assertAllowed(rules, 'Experiment', 'name', experimenter)).not.toThrow();
  });
});

describe('directive rules: AppSync semantics on small schemas', () => {
  const sdl = (body: string) => buildSchema(`${APPSYNC_SDL}\n${body}`);
  const withModes = (defaultMode: AuthSettings['defaultMode'], additionalModes: AuthSettings['additionalModes'], defaultAction: 'ALLOW' | 'DENY' = 'ALLOW') => ({
    defaultMode,
    additionalModes,
    cognito: { ...settings.cognito, defaultAction },
  });

  it('a type and field without directives are reachable only through the default mode', () => {
    const s = sdl(`type Query { plain: Thing  iamOnly: Thing @aws_iam }  type Thing { a: String  b: String @aws_api_key }`);
    const apiKeyDefault = buildAuthRules(s, withModes('API_KEY', ['AWS_IAM', 'AMAZON_COGNITO_USER_POOLS']));
    expect(isAllowed(apiKeyDefault, 'Query', 'plain', apiKey)).toBe(true);
    expect(isAllowed(apiKeyDefault, 'Query', 'plain', iam)).toBe(false);
    expect(isAllowed(apiKeyDefault, 'Query', 'plain', experimenter)).toBe(false);
    // A field directive replaces the default: the default mode is not implicitly included.
    expect(isAllowed(apiKeyDefault, 'Query', 'iamOnly', apiKey)).toBe(false);
    expect(isAllowed(apiKeyDefault, 'Query', 'iamOnly', iam)).toBe(true);
    // Thing has no directives: IAM reaches Query.iamOnly but not Thing.a.
    expect(isAllowed(apiKeyDefault, 'Thing', 'a', iam)).toBe(false);
    expect(isAllowed(apiKeyDefault, 'Thing', 'b', apiKey)).toBe(true);

    const iamDefault = buildAuthRules(s, withModes('AWS_IAM', ['API_KEY']));
    expect(isAllowed(iamDefault, 'Query', 'plain', iam)).toBe(true);
    expect(isAllowed(iamDefault, 'Query', 'plain', apiKey)).toBe(false);
    expect(isAllowed(iamDefault, 'Thing', 'a', iam)).toBe(true);
  });

  it('a field directive replaces the type directive rather than adding to it', () => {
    const s = sdl(`type Query { post: Post @aws_api_key @aws_iam }  type Post @aws_api_key @aws_iam { id: ID!  secret: String @aws_iam }`);
    const r = buildAuthRules(s, withModes('API_KEY', ['AWS_IAM']));
    expect(isAllowed(r, 'Post', 'id', apiKey)).toBe(true);
    expect(isAllowed(r, 'Post', 'secret', apiKey)).toBe(false);
    expect(isAllowed(r, 'Post', 'secret', iam)).toBe(true);
  });

  it('@aws_cognito_user_pools without cognito_groups admits any user of the pool; with groups, members only', () => {
    const s = sdl(`type Query { any: String @aws_cognito_user_pools  some: String @aws_cognito_user_pools(cognito_groups: ["viewers", "admins"]) }`);
    const r = buildAuthRules(s, withModes('API_KEY', ['AMAZON_COGNITO_USER_POOLS']));
    expect(isAllowed(r, 'Query', 'any', noGroups)).toBe(true);
    expect(isAllowed(r, 'Query', 'some', viewer)).toBe(true);
    expect(isAllowed(r, 'Query', 'some', experimenter)).toBe(false);
    expect(isAllowed(r, 'Query', 'some', noGroups)).toBe(false);
    expect(isAllowed(r, 'Query', 'some', apiKey)).toBe(false);
  });

  it('@aws_auth applies when Cognito is the only mode and is ignored (with a warning) otherwise', () => {
    const s = sdl(`type Query { admin: String @aws_auth(cognito_groups: ["experimenters"])  open: String }`);
    const only = buildAuthRules(s, withModes('AMAZON_COGNITO_USER_POOLS', []));
    expect(only.cognitoOnly).toBe(true);
    expect(isAllowed(only, 'Query', 'admin', experimenter)).toBe(true);
    expect(isAllowed(only, 'Query', 'admin', viewer)).toBe(false);
    expect(isAllowed(only, 'Query', 'open', viewer)).toBe(true);
    expect(only.warnings).toEqual([]);

    const multi = buildAuthRules(s, withModes('AMAZON_COGNITO_USER_POOLS', ['API_KEY']));
    expect(multi.cognitoOnly).toBe(false);
    // Ignored: the field falls back to the default mode (any user of the pool).
    expect(isAllowed(multi, 'Query', 'admin', viewer)).toBe(true);
    expect(isAllowed(multi, 'Query', 'admin', apiKey)).toBe(false);
    expect(multi.warnings).toEqual([
      'Query.admin: @aws_auth has no effect on an API with additional authorization modes; use @aws_cognito_user_pools',
    ]);
  });

  it('with the user pool default action DENY (Cognito only), only fields naming groups are reachable', () => {
    const s = sdl(`type Query { admin: String @aws_auth(cognito_groups: ["experimenters"])  open: String }`);
    const deny = buildAuthRules(s, withModes('AMAZON_COGNITO_USER_POOLS', [], 'DENY'));
    expect(isAllowed(deny, 'Query', 'admin', experimenter)).toBe(true);
    expect(isAllowed(deny, 'Query', 'open', experimenter)).toBe(false);
  });

  it('warns about directives naming a mode the API does not enable', () => {
    const s = sdl(`type Query { a: String @aws_oidc @aws_api_key }`);
    const r = buildAuthRules(s, withModes('API_KEY', []));
    expect(r.warnings).toEqual(['Query.a: @aws_oidc names OPENID_CONNECT, which is not enabled on this API']);
    expect(isAllowed(r, 'Query', 'a', apiKey)).toBe(true);
  });

  it('reads directives on type extensions', () => {
    const s = sdl(`type Query { a: Thing @aws_iam }  type Thing { x: String }  extend type Thing @aws_iam`);
    const r = buildAuthRules(s, withModes('API_KEY', ['AWS_IAM']));
    expect(isAllowed(r, 'Thing', 'x', iam)).toBe(true);
    expect(isAllowed(r, 'Thing', 'x', apiKey)).toBe(false);
  });
});
