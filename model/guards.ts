// Type guards used on both sides of the app (Lambdas, domain, JS resolvers). APPSYNC_JS subset.
// local/ keeps its own (it must not import the app it hosts).

/** A plain object (not null, not an array): what a JSON object or a GraphQL input arrives as. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
