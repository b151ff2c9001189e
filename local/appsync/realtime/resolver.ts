// Glue between the realtime server and the manifest's resolvers: runs a subscription field's resolver
// when a subscription starts (AppSync does, once per start) and reads what its handlers asked of
// `extensions`; also reads a mutation resolver's extensions.invalidateSubscriptions calls.
import type { ResolverDefinition } from '../../../resolvers/manifest-types.ts';
import type { Principal } from '../auth/index.ts';
import { FieldError } from '../errors.ts';
import { runResolver, type ResolverContext, type ResolverRuntime } from '../run-resolver.ts';
import type { SubscriptionResolverInfo, SubscriptionResolverOutcome } from './subscription.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The filters a resolver run recorded. Keys as the APPSYNC_JS evaluator records them
 * (`subscriptionFilter`, `subscriptionInvalidationFilter`); `setSubscriptionFilter` /
 * `setSubscriptionInvalidationFilter` are accepted too. The last call wins.
 */
export function filtersFromExtensions(extensions: readonly Record<string, unknown>[]): Pick<SubscriptionResolverOutcome, 'filter' | 'invalidationFilter'> {
  const out: Pick<SubscriptionResolverOutcome, 'filter' | 'invalidationFilter'> = {};
  for (const entry of extensions) {
    const filter = entry.subscriptionFilter ?? entry.setSubscriptionFilter;
    if (filter !== undefined) out.filter = filter;
    const invalidation = entry.subscriptionInvalidationFilter ?? entry.setSubscriptionInvalidationFilter;
    if (invalidation !== undefined) out.invalidationFilter = invalidation;
  }
  return out;
}

/** extensions.invalidateSubscriptions({subscriptionField, payload}) calls a (mutation) resolver run recorded. */
export function invalidationsFromExtensions(extensions: readonly Record<string, unknown>[]): { subscriptionField: string; payload: unknown }[] {
  const out: { subscriptionField: string; payload: unknown }[] = [];
  for (const entry of extensions) {
    const list = entry.invalidateSubscriptions;
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (isRecord(item) && typeof item.subscriptionField === 'string') out.push({ subscriptionField: item.subscriptionField, payload: item.payload });
    }
  }
  return out;
}

export interface SubscriptionResolverRunnerOptions {
  resolvers: readonly ResolverDefinition[];
  runtime: ResolverRuntime;
  env: Record<string, string>;
  /** util.authType()'s answer for a principal. */
  authType(principal: Principal): string;
  /** The schema's subscription type name (default "Subscription"). */
  subscriptionTypeName?: string;
}

/** A `runSubscriptionResolver` for createRealtimeServer that runs the manifest's subscription resolvers. */
export function createSubscriptionResolverRunner(options: SubscriptionResolverRunnerOptions) {
  const typeName = options.subscriptionTypeName ?? 'Subscription';
  const byField = new Map(options.resolvers.filter((r) => r.typeName === typeName).map((r) => [r.fieldName, r]));
  return async function runSubscriptionResolver(
    fieldName: string,
    args: Record<string, unknown>,
    principal: Principal,
    info: SubscriptionResolverInfo,
  ): Promise<SubscriptionResolverOutcome | null> {
    const def = byField.get(fieldName);
    if (!def) return null;
    const ctx: ResolverContext = {
      arguments: args,
      source: null,
      identity: principal.identity,
      stash: {},
      prev: null,
      request: { headers: info.headers, domainName: null },
      info: {
        fieldName,
        parentTypeName: info.parentTypeName,
        variables: info.variables,
        selectionSetList: info.selectionSetList,
        selectionSetGraphQL: info.selectionSetGraphQL,
      },
      env: options.env,
      authType: options.authType(principal),
    };
    try {
      const result = await runResolver(def, options.runtime, ctx);
      return filtersFromExtensions(result.extensions);
    } catch (error) {
      if (error instanceof FieldError) return { error: { message: error.detail.message, errorType: error.detail.errorType } };
      throw error;
    }
  };
}
