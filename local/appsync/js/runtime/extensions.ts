// `extensions` and `runtime` of APPSYNC_JS. Extension calls are recorded in the evaluation
// state under stable keys for the host (subscription filters, invalidations, cache evictions).
import { Signal, state } from './state.ts';
import { isMap } from './values.ts';

function push(key: string, entry: unknown): void {
  const ext = state().extensions;
  const list = Array.isArray(ext[key]) ? (ext[key] as unknown[]) : [];
  list.push(entry);
  ext[key] = list;
}

export const extensions = {
  setSubscriptionFilter(filter: unknown): void {
    state().extensions.subscriptionFilter = filter;
  },
  setSubscriptionInvalidationFilter(filter: unknown): void {
    state().extensions.subscriptionInvalidationFilter = filter;
  },
  invalidateSubscriptions(invalidation: unknown): void {
    push('invalidateSubscriptions', invalidation);
  },
  evictFromApiCache(typeName: string, fieldName: string, keys: unknown): void {
    push('evictFromApiCache', { typeName, fieldName, keys });
  },
};

export const runtime = {
  earlyReturn(value?: unknown, options?: unknown): never {
    const skipTo = isMap(options) && typeof options.skipTo === 'string' ? options.skipTo : null;
    throw new Signal('earlyReturn', null, value === undefined ? null : value, skipTo);
  },
};
