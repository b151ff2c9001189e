// Logs, metrics and traces for every Lambda, in one place (Powertools for AWS Lambda).
//
// - Logs are JSON lines with the Lambda request id (`function_request_id`), the function name, a
//   cold-start flag and the keys of what is being served (`field` for AppSync fields).
// - Metrics are CloudWatch embedded metric format (EMF) lines in the `Splitloop` namespace, flushed
//   once per invocation; `metric(name, value)` is all a handler needs.
// - Traces: a subsegment per invocation (X-Ray is active on every function) and the DynamoDB client
//   captured by lambdas/shared/config.ts.
//
// Outside Lambda (the local runtime, tests) there is no AWS_LAMBDA_FUNCTION_NAME: Powertools' dev
// mode then prints the same log records as indented JSON on the console, emits no EMF and traces
// nothing. The default level there is WARN so that a local run shows problems, not every request;
// POWERTOOLS_LOG_LEVEL=INFO shows everything the deployed functions log.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { AsyncLocalStorage } from 'node:async_hooks';
import { METRICS_NAMESPACE, SERVICE } from './observability-names.ts';

const inLambda = Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);
// Read by Powertools when the instances below are built, so it has to be set before them.
if (!inLambda && process.env.POWERTOOLS_DEV === undefined) process.env.POWERTOOLS_DEV = 'true';

export { METRICS_NAMESPACE, SERVICE };

const defaultLevel = process.env.POWERTOOLS_LOG_LEVEL || process.env.LOG_LEVEL || (inLambda ? 'INFO' : 'WARN');

export const rootLogger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE, logLevel: defaultLevel as 'INFO' });
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE, serviceName: SERVICE });
export const tracer = new Tracer({ serviceName: SERVICE });

export type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
export { MetricUnit };

/** The minimal Lambda context this module reads; the local runtime passes a subset of it. */
export interface LambdaContext {
  functionName?: string;
  awsRequestId?: string;
  [key: string]: unknown;
}

interface Invocation {
  keys: Record<string, unknown>;
  context?: LambdaContext;
  /** Made on first use: most local invocations log nothing at their level. */
  logger?: Logger;
}

// The local runtime serves concurrent requests from one process, so the logger carrying one
// invocation's keys lives in async-local storage rather than on the shared instance.
const current = new AsyncLocalStorage<Invocation>();

/** The logger of the running invocation (with its request id and field), or the root logger. */
export function log(): Logger {
  const invocation = current.getStore();
  if (!invocation) return rootLogger;
  if (!invocation.logger) {
    invocation.logger = rootLogger.createChild({ persistentKeys: invocation.keys });
    if (invocation.context?.awsRequestId) invocation.logger.addContext(invocation.context as never);
  }
  return invocation.logger;
}

/** False when INFO lines would be dropped anyway (the local default), to skip building them. */
export function infoEnabled(): boolean {
  return ['DEBUG', 'INFO', 'TRACE'].includes(rootLogger.getLevelName());
}

// Dimension values must stay few (each value is its own CloudWatch metric, billed monthly).
const boundedDimension = (value: string) => (/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(value) ? value : 'OTHER');

/**
 * Records a business metric for this invocation. With dimensions it is emitted on its own line at
 * once (each value a code such as SELF_REFERRAL; free text becomes OTHER); without, it joins the
 * invocation's EMF line.
 */
export function metric(name: string, value = 1, unit: Unit = MetricUnit.Count, dimensions?: Record<string, string>): void {
  if (dimensions && Object.keys(dimensions).length) {
    const single = metrics.singleMetric();
    for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, boundedDimension(v));
    single.addMetric(name, unit, value);
    return;
  }
  metrics.addMetric(name, unit, value);
}

export interface ObserveOptions<E> {
  /** Log keys describing the event, e.g. `{ field: 'Mutation.assign' }`. */
  keys?: (event: E) => Record<string, unknown>;
  /** Emits the invocation's wall-clock time in milliseconds under this metric name. */
  durationMetric?: string;
}

/** Wraps a Lambda handler: request-scoped logger, cold-start metric, a trace subsegment, EMF flush. */
export function observe<E, R>(name: string, fn: (event: E, context?: LambdaContext) => Promise<R>, options: ObserveOptions<E> = {}) {
  return async function observed(event: E, context?: LambdaContext): Promise<R> {
    metrics.captureColdStartMetric(context?.functionName);
    const started = performance.now();
    const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const segment = parent?.addNewSubsegment(`## ${name}`);
    if (segment) {
      tracer.setSegment(segment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
    }
    try {
      return await current.run({ keys: options.keys?.(event) ?? {}, context }, () => fn(event, context));
    } catch (error) {
      if (segment) tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      if (options.durationMetric) metric(options.durationMetric, Math.round(performance.now() - started), MetricUnit.Milliseconds);
      segment?.close();
      if (parent) tracer.setSegment(parent);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

/** The part of a DynamoDB stream record read here (ApproximateCreationDateTime: epoch seconds). */
type StreamRecordLike = { dynamodb?: { ApproximateCreationDateTime?: unknown } } | undefined;

/** For DynamoDB stream consumers: batch size and the age of the oldest record when the batch arrived. */
export function observeStream<E extends { Records: readonly object[] }, R>(name: string, fn: (event: E, context?: LambdaContext) => Promise<R>) {
  return observe(name, async (event: E, context?: LambdaContext) => {
    metric('StreamBatchSize', event.Records.length);
    const created = event.Records.map((r) => (r as StreamRecordLike)?.dynamodb?.ApproximateCreationDateTime).filter((t): t is number => typeof t === 'number');
    if (created.length) metric('StreamLag', Math.max(0, Date.now() - Math.min(...created) * 1000), MetricUnit.Milliseconds);
    log().info('stream batch', { records: event.Records.length });
    return fn(event, context);
  });
}
