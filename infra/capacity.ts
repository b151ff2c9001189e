// Table capacity. On-demand by default: no capacity planning, pay per request, no throttling below
// the account's table limits. `-c capacity=provisioned` switches to provisioned capacity with
// target-tracking auto scaling of the table and its indexes (bounds and target from context), and
// alarms when consumption reaches the provisioned capacity faster than auto scaling follows.
import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Billing, Capacity, type TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { TableDefinition } from '../resolvers/manifest-types.ts';
import type { OpsSettings } from './settings.ts';

export function tableBilling(settings: OpsSettings): Billing {
  if (settings.capacity === 'on-demand') return Billing.onDemand();
  const scaled = (c: { min: number; max: number }) =>
    Capacity.autoscaled({ minCapacity: c.min, maxCapacity: c.max, targetUtilizationPercent: settings.targetUtilization });
  // Indexes inherit the table's auto scaling settings (TableV2).
  return Billing.provisioned({ readCapacity: scaled(settings.readCapacity), writeCapacity: scaled(settings.writeCapacity) });
}

/** Consumed over provisioned units, in percent, over five minutes, for the table or one of its indexes. */
function utilisation(table: TableV2, kind: 'Read' | 'Write', indexName?: string): MathExpression {
  const dimensionsMap: Record<string, string> = { TableName: table.tableName, ...(indexName ? { GlobalSecondaryIndexName: indexName } : {}) };
  const period = Duration.minutes(5);
  const consumed = new Metric({ namespace: 'AWS/DynamoDB', metricName: `Consumed${kind}CapacityUnits`, dimensionsMap, statistic: 'Sum', period });
  const provisioned = new Metric({ namespace: 'AWS/DynamoDB', metricName: `Provisioned${kind}CapacityUnits`, dimensionsMap, statistic: 'Average', period });
  return new MathExpression({
    expression: `100 * (consumed / ${period.toSeconds()}) / provisioned`,
    usingMetrics: { consumed, provisioned },
    label: `${indexName ?? 'table'} ${kind.toLowerCase()} utilisation %`,
    period,
  });
}

/** Provisioned mode only: one alarm per table/index and read/write at 90% of provisioned capacity. */
export function capacityAlarms(scope: Construct, table: TableV2, def: TableDefinition, settings: OpsSettings): Alarm[] {
  if (settings.capacity !== 'provisioned') return [];
  const targets = [undefined, ...def.globalSecondaryIndexes.map((g) => g.indexName)];
  return targets.flatMap((indexName) =>
    (['Read', 'Write'] as const).map(
      (kind) =>
        new Alarm(scope, `Capacity-${def.id}-${indexName ?? 'table'}-${kind}`, {
          alarmName: `${Stack.of(scope).stackName}-Capacity-${def.id}-${indexName ?? 'table'}-${kind}`,
          alarmDescription: `${def.id} ${indexName ?? 'table'}: consumed ${kind.toLowerCase()} capacity at 90% of provisioned for 15 minutes (auto scaling at its max, or not keeping up)`,
          metric: utilisation(table, kind, indexName),
          threshold: 90,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 3,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
    ),
  );
}
