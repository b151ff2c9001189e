// AppSync's schema authorization directives, precomputed per object type and field:
//   @aws_api_key  @aws_iam  @aws_oidc  @aws_lambda  @aws_cognito_user_pools(cognito_groups)  @aws_auth(cognito_groups)
// Rules (AppSync developer guide, "Configuring authorization and authentication"):
// - A field's directives replace its type's; a field without directives takes its type's.
// - A type (and field) without directives is reachable only through the API's default mode.
// - cognito_groups restricts the user pool mode to users whose `cognito:groups` claim names one of them.
// - @aws_auth only works when AMAZON_COGNITO_USER_POOLS is the only mode; on an API with additional
//   modes it has no effect (use @aws_cognito_user_pools there), so it is ignored with a warning.
import {
  isObjectType,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLSchema,
} from 'graphql';
import { enabledModes, type AuthMode, type AuthSettings } from './config.ts';
import type { Principal } from './authenticate.ts';

export interface AuthRule {
  /** Modes allowed to resolve the field. */
  modes: AuthMode[];
  /** For AMAZON_COGNITO_USER_POOLS: the groups allowed, or null for any user of the pool. */
  cognitoGroups: string[] | null;
  /** Where the rule came from. */
  source: 'field' | 'type' | 'default';
}

export interface TypeRules {
  /** The type's own directives, or null when it has none. */
  rule: AuthRule | null;
  /** The effective rule of every field (field's, else type's, else the default). */
  fields: Map<string, AuthRule>;
}

export interface AuthRules {
  defaultMode: AuthMode;
  enabledModes: AuthMode[];
  /** Cognito is the default and only mode: the setting where @aws_auth applies. */
  cognitoOnly: boolean;
  /** The rule of a type and field without directives. */
  defaultRule: AuthRule;
  types: Map<string, TypeRules>;
  /** Directives that have no effect in this configuration. */
  warnings: string[];
}

/** A field-level denial, shaped like AppSync's (errorType `Unauthorized`, data and errorInfo null). */
export class FieldUnauthorizedError extends Error {
  readonly errorType = 'Unauthorized';
  readonly errorInfo = null;
  readonly data = null;
  readonly typeName: string;
  readonly fieldName: string;

  constructor(typeName: string, fieldName: string) {
    super(`Not Authorized to access ${fieldName} on type ${typeName}`);
    this.name = 'FieldUnauthorizedError';
    this.typeName = typeName;
    this.fieldName = fieldName;
  }
}

export function unauthorizedError(typeName: string, fieldName: string): FieldUnauthorizedError {
  return new FieldUnauthorizedError(typeName, fieldName);
}

const MODE_DIRECTIVES: Readonly<Record<string, AuthMode>> = {
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
  aws_oidc: 'OPENID_CONNECT',
  aws_lambda: 'AWS_LAMBDA',
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
  aws_auth: 'AMAZON_COGNITO_USER_POOLS',
};

function groupsArgument(directive: ConstDirectiveNode): string[] | null {
  const arg = directive.arguments?.find((a) => a.name.value === 'cognito_groups');
  if (!arg) return null;
  const value = valueFromASTUntyped(arg.value);
  if (value === null || value === undefined) return null;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((g): g is string => typeof g === 'string');
}

function ruleFromDirectives(
  directives: readonly ConstDirectiveNode[],
  where: string,
  source: 'field' | 'type',
  ctx: { cognitoOnly: boolean; enabled: Set<AuthMode>; warnings: string[] },
): AuthRule | null {
  const modes = new Set<AuthMode>();
  let cognitoSeen = false;
  let anyCognitoUser = false;
  const groups = new Set<string>();
  for (const directive of directives) {
    const name = directive.name.value;
    const mode = MODE_DIRECTIVES[name];
    if (!mode) continue;
    if (name === 'aws_auth' && !ctx.cognitoOnly) {
      ctx.warnings.push(`${where}: @aws_auth has no effect on an API with additional authorization modes; use @aws_cognito_user_pools`);
      continue;
    }
    if (!ctx.enabled.has(mode)) {
      ctx.warnings.push(`${where}: @${name} names ${mode}, which is not enabled on this API`);
    }
    modes.add(mode);
    if (mode === 'AMAZON_COGNITO_USER_POOLS') {
      cognitoSeen = true;
      const g = groupsArgument(directive);
      if (g === null) anyCognitoUser = true;
      else for (const group of g) groups.add(group);
    }
  }
  if (modes.size === 0) return null;
  return {
    modes: [...modes],
    cognitoGroups: cognitoSeen && !anyCognitoUser ? [...groups] : null,
    source,
  };
}

/** Precomputes the authorization rule of every field of every object type of `schema`. */
export function buildAuthRules(schema: GraphQLSchema, settings: Pick<AuthSettings, 'defaultMode' | 'additionalModes' | 'cognito'>): AuthRules {
  const enabled = enabledModes(settings);
  const cognitoOnly = settings.defaultMode === 'AMAZON_COGNITO_USER_POOLS' && enabled.length === 1;
  const warnings: string[] = [];
  const ctx = { cognitoOnly, enabled: new Set(enabled), warnings };
  // With DENY as the user pool's default action (Cognito-only APIs), only fields that name the user
  // pool in a directive are reachable.
  const defaultRule: AuthRule =
    cognitoOnly && settings.cognito.defaultAction === 'DENY'
      ? { modes: [], cognitoGroups: null, source: 'default' }
      : { modes: [settings.defaultMode], cognitoGroups: null, source: 'default' };

  const types = new Map<string, TypeRules>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeDirectives = [type.astNode, ...type.extensionASTNodes].flatMap((node) => node?.directives ?? []);
    const typeRule = ruleFromDirectives(typeDirectives, `type ${type.name}`, 'type', ctx);
    const fields = new Map<string, AuthRule>();
    for (const field of Object.values(type.getFields())) {
      const fieldRule = ruleFromDirectives(field.astNode?.directives ?? [], `${type.name}.${field.name}`, 'field', ctx);
      fields.set(field.name, fieldRule ?? typeRule ?? defaultRule);
    }
    types.set(type.name, { rule: typeRule, fields });
  }
  return { defaultMode: settings.defaultMode, enabledModes: enabled, cognitoOnly, defaultRule, types, warnings };
}

/** The effective rule of `typeName.fieldName` (the default rule for unknown names). */
export function ruleFor(rules: AuthRules, typeName: string, fieldName: string): AuthRule {
  const type = rules.types.get(typeName);
  return type?.fields.get(fieldName) ?? type?.rule ?? rules.defaultRule;
}

function userGroups(principal: Principal): string[] {
  if (principal.mode !== 'AMAZON_COGNITO_USER_POOLS') return [];
  const claim = principal.identity.claims['cognito:groups'];
  return Array.isArray(claim) ? claim.filter((g): g is string => typeof g === 'string') : [];
}

/** Whether `principal` may resolve `typeName.fieldName`. Introspection fields are always allowed. */
export function isAllowed(rules: AuthRules, typeName: string, fieldName: string, principal: Principal): boolean {
  if (fieldName.startsWith('__') || typeName.startsWith('__')) return true;
  const rule = ruleFor(rules, typeName, fieldName);
  if (!rule.modes.includes(principal.mode)) return false;
  if (principal.mode === 'AMAZON_COGNITO_USER_POOLS' && rule.cognitoGroups !== null) {
    const groups = userGroups(principal);
    return rule.cognitoGroups.some((g) => groups.includes(g));
  }
  return true;
}

/** Throws AppSync's `Unauthorized` error unless `principal` may resolve the field. */
export function assertAllowed(rules: AuthRules, typeName: string, fieldName: string, principal: Principal): void {
  if (!isAllowed(rules, typeName, fieldName, principal)) throw unauthorizedError(typeName, fieldName);
}
