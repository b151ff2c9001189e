// Fan-out of published mutation results to the subscriptions listening for them: AppSync publishes
// the mutation's response (shaped by the mutation's own selection), each subscriber gets it through
// its enhanced filter and its own selection and field auth (one projection per equivalent
// subscriber), in publish order, in slices that yield to the event loop so that a large fan-out
// never stalls requests. Invalidation (extensions.invalidateSubscriptions) ends matching ones.
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { Principal } from '../auth/index.ts';
import { matchesFilter, type CompiledFilter } from './filter.ts';
import { mutationSelection, projectPayload, shapeResponse } from './payload.ts';
import { completeMessage, dataMessage } from './protocol.ts';
import type { Indexed, SubscriptionRegistry } from './registry.ts';

/** What fan-out needs of a subscription. */
export interface FanOutSubscription extends Indexed {
  readonly id: string;
  readonly connection: { readonly closed: boolean; readonly active: Map<string, unknown> };
  readonly filter: CompiledFilter | null;
  readonly invalidationFilter: CompiledFilter | null;
  readonly document: DocumentNode;
  readonly operationName: string | undefined;
  readonly variables: Record<string, unknown>;
  readonly principal: Principal;
  readonly projectionKey: string;
}

interface PublishJob<S> {
  mutation: string;
  payload: unknown;
  subscribers: S[];
  next: number;
  projections: Map<string, string>;
}

export interface FanOutOptions<S extends FanOutSubscription> {
  schema: GraphQLSchema;
  registry: SubscriptionRegistry<S>;
  stats: { published: number; delivered: number; queued: number; subscriptions: number };
  /** Time budget of one slice before yielding to the event loop. */
  sliceMs: number;
  report(error: unknown, context: string): void;
  isClosed(): boolean;
  allowed(principal: Principal, typeName: string, fieldName: string): boolean;
  /** Sends a text frame on the subscription's connection; false when it is gone. */
  send(sub: S, text: string): boolean;
}

export function createFanOut<S extends FanOutSubscription>(options: FanOutOptions<S>) {
  const { schema, registry, stats, sliceMs, report } = options;
  const mutationType = schema.getMutationType();
  const queue: PublishJob<S>[] = [];
  let draining = false;

  function publish(mutationFieldName: string, payload: unknown, mutationDocument?: DocumentNode | OperationDefinitionNode): void {
    if (options.isClosed()) return;
    stats.published += 1;
    if (!registry.listensTo(mutationFieldName)) return;
    // AppSync publishes the mutation's response, not the resolver's raw value.
    const mutationField = mutationType?.getFields()[mutationFieldName];
    const tree = mutationDocument ? mutationSelection(mutationDocument, mutationFieldName) : null;
    const response = mutationField ? shapeResponse(schema, payload, mutationField.type, tree) : payload;
    if (response === null || response === undefined) return;
    const subscribers = registry.candidates(mutationFieldName, response);
    if (subscribers.length === 0) return;
    queue.push({ mutation: mutationFieldName, payload: response, subscribers, next: 0, projections: new Map() });
    stats.queued = queue.length;
    if (!draining) {
      draining = true;
      setImmediate(drain);
    }
  }

  function deliver(job: PublishJob<S>, sub: S): void {
    if (sub.connection.closed || sub.connection.active.get(sub.id) !== sub) return;
    if (!matchesFilter(sub.filter, job.payload)) return;
    let payloadJson = job.projections.get(sub.projectionKey);
    if (payloadJson === undefined) {
      payloadJson = projectPayload(
        schema,
        {
          document: sub.document,
          operationName: sub.operationName,
          variables: sub.variables,
          fieldName: sub.fieldName,
          allowed: (typeName, fieldName) => options.allowed(sub.principal, typeName, fieldName),
        },
        job.payload,
      );
      job.projections.set(sub.projectionKey, payloadJson);
    }
    if (options.send(sub, dataMessage(sub.id, payloadJson))) stats.delivered += 1;
  }

  /** Delivers queued publishes in order, yielding to the event loop every `sliceMs`. */
  function drain(): void {
    const started = performance.now();
    let sinceCheck = 0;
    while (queue.length > 0 && !options.isClosed()) {
      const job = queue[0]!;
      while (job.next < job.subscribers.length) {
        const sub = job.subscribers[job.next]!;
        job.next += 1;
        try {
          deliver(job, sub);
        } catch (error) {
          report(error, `delivering ${job.mutation} to ${sub.id}`);
        }
        sinceCheck += 1;
        if (sinceCheck >= 32) {
          sinceCheck = 0;
          if (performance.now() - started > sliceMs) {
            setImmediate(drain);
            return;
          }
        }
      }
      queue.shift();
      stats.queued = queue.length;
    }
    draining = false;
  }

  function invalidate(subscriptionField: string, payload: unknown): number {
    let count = 0;
    for (const sub of registry.onField(subscriptionField)) {
      if (sub.invalidationFilter === null || !matchesFilter(sub.invalidationFilter, payload)) continue;
      sub.connection.active.delete(sub.id);
      registry.remove(sub);
      options.send(sub, completeMessage(sub.id));
      count += 1;
    }
    stats.subscriptions = registry.size;
    return count;
  }

  function clear(): void {
    queue.length = 0;
    stats.queued = 0;
  }

  return { publish, invalidate, clear };
}
