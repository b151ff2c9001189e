import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { KeyAttribute, TableDefinition } from '../resolvers/manifest-types.ts';

const attributeType = (k: KeyAttribute) =>
  ({ S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY })[k.type];

const key = (k: KeyAttribute) => ({ name: k.name, type: attributeType(k) });

/**
 * The CDK side of the shared table definition (the local runtime creates the same table). Billing
 * comes from infra/capacity.ts (on-demand unless the deploy asks for provisioned capacity).
 */
export function tableFromDefinition(scope: Construct, def: TableDefinition, billing: Billing = Billing.onDemand()): TableV2 {
  return new TableV2(scope, `Table-${def.id}`, {
    partitionKey: key(def.partitionKey),
    sortKey: def.sortKey ? key(def.sortKey) : undefined,
    billing,
    // A table holds every experiment's history: deleting it takes two deliberate steps.
    deletionProtection: true,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: def.timeToLiveAttribute,
    dynamoStream: def.stream ? StreamViewType[def.stream] : undefined,
    globalSecondaryIndexes: def.globalSecondaryIndexes.map((g) => ({
      indexName: g.indexName,
      partitionKey: key(g.partitionKey),
      sortKey: g.sortKey ? key(g.sortKey) : undefined,
    })),
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
