// Alarms and the operations dashboard. Every alarm notifies one SNS topic (an e-mail address may
// subscribe with `-c alarmEmail=...`) and feeds the composite "splitloop unhealthy" alarm. What to do
// when each one fires: docs/operations.md.
//
// Build it last in the stack: it alarms on every SQS queue the stack holds (each one collects
// failures: stream batches, scheduled runs), whichever construct made the queue.
import { Duration, Stack } from 'aws-cdk-lib';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE } from '../lambdas/shared/observability-names.ts';
import type { Manifest } from '../resolvers/manifest-types.ts';
import { capacityAlarms } from './capacity.ts';
import type { OpsSettings } from './settings.ts';

export interface MonitoringProps {
  manifest: Manifest;
  settings: OpsSettings;
  api: appsync.GraphqlApi;
  functions: Map<string, IFunction>;
  tables: Map<string, TableV2>;
  /** Alarms built by other constructs (e.g. the event lake's): notified and in the composite like these. */
  alarms?: cw.Alarm[];
}

/** p99 Lambda duration alarms at this share of the function's timeout. */
const DURATION_SHARE_OF_TIMEOUT = 0.8;
const APPSYNC_P99_LATENCY_MS = 2_000;
const ITERATOR_AGE_MS = 60_000;
/** The DynamoDB operations the functions and resolvers use (an alarm may combine at most 10 metrics). */
const TABLE_OPERATIONS = ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems', 'GetRecords'];

const FIVE_MINUTES = Duration.minutes(5);

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: cw.Alarm[] = [];
  readonly unhealthy: cw.CompositeAlarm;
  readonly dashboard: cw.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { manifest, settings, api, functions, tables } = props;
    const stack = Stack.of(this);

    this.topic = new Topic(this, 'Alarms', { displayName: 'splitloop alarms', enforceSSL: true });
    if (settings.alarmEmail) this.topic.addSubscription(new EmailSubscription(settings.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (alarmId: string, description: string, metric: cw.IMetric, threshold: number, options: Partial<cw.AlarmProps> = {}) => {
      const a = new cw.Alarm(this, alarmId, {
        // named as in docs/operations.md, so that the e-mail says which one fired
        alarmName: `${stack.stackName}-${alarmId}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      this.alarms.push(a);
      return a;
    };

    // Lambda: errors (crashes and timeouts: the field registry turns handled failures into
    // InternalErrors, alarmed on below), throttles, and p99 duration close to the timeout.
    for (const def of manifest.lambdas) {
      const fn = functions.get(def.id);
      if (!fn) continue;
      const timeoutMs = (def.timeoutSeconds ?? 10) * 1000;
      alarm(`Lambda-${def.id}-Errors`, `${def.id}: the function failed (crash or timeout)`, fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), 1);
      alarm(`Lambda-${def.id}-Throttles`, `${def.id}: invocations throttled (reserved concurrency or account limit reached)`, fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), 1);
      alarm(
        `Lambda-${def.id}-Duration`,
        `${def.id}: p99 duration above ${DURATION_SHARE_OF_TIMEOUT * 100}% of its ${timeoutMs / 1000}s timeout`,
        fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
        timeoutMs * DURATION_SHARE_OF_TIMEOUT,
        { evaluationPeriods: 3, datapointsToAlarm: 2 },
      );
      if (def.streamSource) {
        alarm(
          `Lambda-${def.id}-IteratorAge`,
          `${def.id}: the stream is ${ITERATOR_AGE_MS / 1000}s or more behind (live counts and totals lag)`,
          fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
          ITERATOR_AGE_MS,
          { evaluationPeriods: 5, datapointsToAlarm: 3 },
        );
      }
    }
    const business = (metricName: string, statistic = 'Sum', dimensionsMap: Record<string, string> = {}) =>
      new cw.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: SERVICE, ...dimensionsMap }, statistic, period: FIVE_MINUTES });
    alarm('Lambda-InternalErrors', 'A field handler failed unexpectedly (the client saw InternalError); see the log line with the field', business('InternalErrors'), 1);

    // AppSync
    const appsyncMetric = (metricName: string, statistic: string) =>
      new cw.Metric({ namespace: 'AWS/AppSync', metricName, dimensionsMap: { GraphQLAPIId: api.apiId }, statistic, period: FIVE_MINUTES });
    alarm('AppSync-5XX', 'The API answered 5XX (AppSync or a data source failed)', appsyncMetric('5XXError', 'Sum'), 1);
    alarm('AppSync-Latency', `The API's p99 latency is above ${APPSYNC_P99_LATENCY_MS} ms`, appsyncMetric('Latency', 'p99'), APPSYNC_P99_LATENCY_MS, {
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    // DynamoDB
    for (const tableDef of manifest.tables) {
      const table = tables.get(tableDef.id);
      if (!table) continue;
      const targets = [undefined, ...tableDef.globalSecondaryIndexes.map((g) => g.indexName)];
      const throttles: Record<string, cw.IMetric> = {};
      targets.forEach((indexName, i) => {
        const dimensionsMap = { TableName: table.tableName, ...(indexName ? { GlobalSecondaryIndexName: indexName } : {}) };
        for (const kind of ['Read', 'Write']) {
          throttles[`${kind.toLowerCase()}${i}`] = new cw.Metric({ namespace: 'AWS/DynamoDB', metricName: `${kind}ThrottleEvents`, dimensionsMap, statistic: 'Sum', period: FIVE_MINUTES });
        }
      });
      alarm(
        `DynamoDB-${tableDef.id}-Throttles`,
        `${tableDef.id}: requests throttled on the table or an index`,
        new cw.MathExpression({ expression: Object.keys(throttles).join(' + '), usingMetrics: throttles, period: FIVE_MINUTES, label: 'throttle events' }),
        1,
      );
      alarm(
        `DynamoDB-${tableDef.id}-SystemErrors`,
        `${tableDef.id}: DynamoDB answered with server errors (HTTP 500)`,
        table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS as never[], period: FIVE_MINUTES }),
        1,
      );
      for (const a of capacityAlarms(this, table, tableDef, settings)) this.alarms.push(a);
    }

    // Failure queues: any message means work that was given up on (a stream batch, a scheduled run).
    const queues = stack.node.findAll().filter((c): c is Queue => c instanceof Queue);
    for (const queue of queues) {
      const name = queue.node.path.split('/').slice(1).join('-');
      alarm(
        `Queue-${name}`,
        `${name}: messages are waiting in a failure queue (given-up work to inspect and replay)`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        0,
        { comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD },
      );
    }

    this.alarms.push(...(props.alarms ?? []));
    for (const a of this.alarms) a.addAlarmAction(action);
    this.unhealthy = new cw.CompositeAlarm(this, 'Unhealthy', {
      compositeAlarmName: `${stack.stackName}-splitloop-unhealthy`,
      alarmDescription: 'splitloop unhealthy: at least one of its alarms is firing (see which in the dashboard)',
      alarmRule: cw.AlarmRule.anyOf(...this.alarms),
    });
    this.unhealthy.addAlarmAction(action);

    this.dashboard = this.buildDashboard(props, queues, business);
  }

  private buildDashboard(props: MonitoringProps, queues: Queue[], business: (name: string, statistic?: string) => cw.Metric): cw.Dashboard {
    const { manifest, api, functions, tables } = props;
    const dashboard = new cw.Dashboard(this, 'Dashboard', { dashboardName: `${Stack.of(this).stackName}-operations`, defaultInterval: Duration.hours(3) });
    const graph = (title: string, left: cw.IMetric[], extra: Partial<cw.GraphWidgetProps> = {}) => new cw.GraphWidget({ title, left, width: 12, height: 6, ...extra });
    const search = (expression: string, label: string) => new cw.SearchExpression({ expression, label, period: FIVE_MINUTES });
    const lambdas = manifest.lambdas.flatMap((d) => (functions.get(d.id) ? [[d, functions.get(d.id)!] as const] : []));
    const appsyncMetric = (metricName: string, statistic: string) =>
      new cw.Metric({ namespace: 'AWS/AppSync', metricName, dimensionsMap: { GraphQLAPIId: api.apiId }, statistic, period: FIVE_MINUTES });

    dashboard.addWidgets(
      new cw.AlarmStatusWidget({ title: 'Alarms', alarms: [this.unhealthy, ...this.alarms], width: 24, height: 4 }),
    );
    dashboard.addWidgets(
      graph('API requests and errors', [appsyncMetric('Requests', 'Sum'), appsyncMetric('4XXError', 'Sum'), appsyncMetric('5XXError', 'Sum')]),
      graph('API latency (ms)', [appsyncMetric('Latency', 'p50'), appsyncMetric('Latency', 'p99')]),
    );
    // Per field: AppSync's resolver-level metrics (enhanced metrics) and the Lambda fields' own counts.
    dashboard.addWidgets(
      graph('Requests per field', [search(`SEARCH('{AWS/AppSync} MetricName="Requests" ${api.apiId}', 'Sum', 300)`, 'requests')]),
      graph('Errors per field', [
        search(`SEARCH('{AWS/AppSync} MetricName="GraphQLError" ${api.apiId}', 'Sum', 300)`, 'GraphQL errors'),
        search(`SEARCH('{${METRICS_NAMESPACE},errorType,service} MetricName="ClientErrors"', 'Sum', 300)`, 'client errors'),
        business('InternalErrors'),
      ]),
    );
    dashboard.addWidgets(
      graph('Lambda p99 duration (ms)', lambdas.map(([d, fn]) => fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES, label: d.id }))),
      graph('Lambda errors and throttles', lambdas.flatMap(([d, fn]) => [fn.metricErrors({ label: `${d.id} errors`, period: FIVE_MINUTES }), fn.metricThrottles({ label: `${d.id} throttles`, period: FIVE_MINUTES })])),
    );
    const capacity = manifest.tables.flatMap((def) => {
      const t = tables.get(def.id);
      return t ? [t.metricConsumedReadCapacityUnits({ label: `${def.id} RCU`, period: FIVE_MINUTES }), t.metricConsumedWriteCapacityUnits({ label: `${def.id} WCU`, period: FIVE_MINUTES })] : [];
    });
    const streamFns = lambdas.filter(([d]) => d.streamSource);
    dashboard.addWidgets(
      graph('Consumed capacity (units per 5 minutes)', capacity),
      graph('Stream: iterator age (ms), batch size, lag (ms)', streamFns.map(([d, fn]) => fn.metric('IteratorAge', { statistic: 'Maximum', label: `${d.id} iterator age`, period: FIVE_MINUTES })), {
        right: [business('StreamBatchSize', 'Average'), business('StreamLag', 'Maximum')],
      }),
    );
    dashboard.addWidgets(
      graph('Assignments', [business('AssignmentsNew'), business('AssignmentsReturning'), search(`SEARCH('{${METRICS_NAMESPACE},reason,service} MetricName="AssignmentsNotEnrolled"', 'Sum', 300)`, 'not enrolled')]),
      graph('Referral events', [
        business('EventsCounted'),
        business('EventsDuplicate'),
        search(`SEARCH('{${METRICS_NAMESPACE},reason,service} MetricName="EventsRejected"', 'Sum', 300)`, 'rejected'),
        search(`SEARCH('{${METRICS_NAMESPACE},outcome,service} MetricName="EventsNotCounted"', 'Sum', 300)`, 'not counted'),
      ]),
    );
    dashboard.addWidgets(
      graph('Failure queues (messages)', queues.map((q) => q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES, label: q.node.path.split('/').slice(1).join('/') }))),
      graph('Cold starts and analysis runs', [
        search(`SEARCH('{${METRICS_NAMESPACE},function_name,service} MetricName="ColdStart"', 'Sum', 300)`, 'cold starts'),
      ], { right: [business('AnalysisRunDuration', 'Maximum')] }),
    );
    return dashboard;
  }
}
