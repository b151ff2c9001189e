// The local AppSync's realtime endpoint (AppSync's GraphQL-over-WebSocket protocol), in one import.
export {
  createRealtimeServer,
  type RealtimeServer,
  type RealtimeServerOptions,
  type RealtimeStats,
  type SubscriptionResolverInfo,
  type SubscriptionResolverOutcome,
} from './server.ts';
export { createSubscriptionResolverRunner, filtersFromExtensions, invalidationsFromExtensions, type SubscriptionResolverRunnerOptions } from './resolver.ts';
export { compileFilter, matchesFilter, FilterValidationError, FILTER_OPERATORS, type CompiledFilter, type FilterOperator } from './filter.ts';
export { SUBPROTOCOL, decodeHeaderMap, handshakeAuth } from './protocol.ts';
