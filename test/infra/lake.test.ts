// The event lake's AWS resources, asserted on a synthesized stack holding only the table and the
// lake (the whole stack's synth is covered by stack.test.ts, which gains the lake by one line).
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventLake, LAKE_DATABASE, LAKE_WORKGROUP } from '../../infra/lake.ts';
import { tableFromDefinition } from '../../infra/table.ts';
import { loadNamedQueries } from '../../insights/queries.ts';
import { LAKE_TABLES } from '../../lambdas/lake/schema.ts';
import { manifest } from '../../resolvers/manifest.ts';

let template: Template;

beforeAll(() => {
  const app = new App();
  const stack = new Stack(app, 'LakeTest', { env: { account: '123456789012', region: 'us-east-1' } });
  const table = tableFromDefinition(stack, manifest.tables.find((t) => t.id === 'main')!);
  new EventLake(stack, 'Lake', { table, bytesScannedCutoffPerQuery: 5 * 1024 ** 3 });
  template = Template.fromStack(stack);
}, 240_000);

const policyStatements = (roleLogicalIdPrefix: string) => {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleLogicalIdPrefix))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
};

describe('the event lake on AWS', () => {
  it('keeps the lake in an encrypted, private bucket with retention and error expiry', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'lake-retention', ExpirationInDays: 730, Status: 'Enabled', Transitions: [Match.objectLike({ StorageClass: 'INTELLIGENT_TIERING' })] }),
          Match.objectLike({ Id: 'delivery-errors', Prefix: 'errors/', ExpirationInDays: 30 }),
        ]),
      },
    });
    // Query results expire too, and both buckets refuse plain HTTP.
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'query-results', ExpirationInDays: 30 })] } });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies.filter((p) => JSON.stringify(p).includes('aws:SecureTransport')).length).toBeGreaterThanOrEqual(2);
  });

  it('has one Direct PUT delivery stream per table converting to Parquet with the Glue schema', () => {
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', LAKE_TABLES.length);
    for (const t of LAKE_TABLES) {
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
        ExtendedS3DestinationConfiguration: Match.objectLike({
          Prefix: `${t.name}/dt=!{timestamp:yyyy-MM-dd}/`,
          ErrorOutputPrefix: Match.stringLikeRegexp(`^errors/${t.name}/`),
          BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 128 },
          DataFormatConversionConfiguration: {
            Enabled: true,
            InputFormatConfiguration: { Deserializer: { HiveJsonSerDe: { TimestampFormats: ['millis'] } } },
            OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
            SchemaConfiguration: Match.objectLike({ DatabaseName: LAKE_DATABASE, TableName: t.name, VersionId: 'LATEST' }),
          },
        }),
      });
    }
  });

  it('catalogs each lake table in Glue with the contract columns and dt partition projection', () => {
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: LAKE_DATABASE } });
    for (const t of LAKE_TABLES) {
      template.hasResourceProperties('AWS::Glue::Table', {
        DatabaseName: LAKE_DATABASE,
        TableInput: Match.objectLike({
          Name: t.name,
          TableType: 'EXTERNAL_TABLE',
          PartitionKeys: [Match.objectLike({ Name: 'dt', Type: 'string' })],
          Parameters: Match.objectLike({
            'projection.enabled': 'true',
            'projection.dt.type': 'date',
            'projection.dt.format': 'yyyy-MM-dd',
            'projection.dt.range': '2025-01-01,NOW',
            'storage.location.template': Match.anyValue(),
          }),
          StorageDescriptor: Match.objectLike({
            Columns: t.columns.map((c) => Match.objectLike({ Name: c.name })),
            SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          }),
        }),
      });
    }
    const events = Object.values(template.findResources('AWS::Glue::Table')).find((r) => r.Properties.TableInput.Name === 'events')!;
    expect(events.Properties.TableInput.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name)).toEqual([
      'event_id', 'kind', 'experiment_id', 'phase', 'variant', 'referrer_id', 'referee_id', 'outcome', 'reason', 'channel', 'value', 'currency', 'occurred_at', 'recorded_at',
    ]);
  });

  it('has an Athena workgroup with enforced, encrypted results and a per-query scan limit', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: LAKE_WORKGROUP,
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 5 * 1024 ** 3,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: { OutputLocation: Match.anyValue(), EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
      }),
    });
  });

  it('creates every named query from the same .sql files the local insights command runs', () => {
    const queries = loadNamedQueries();
    template.resourceCountIs('AWS::Athena::NamedQuery', queries.length);
    for (const q of queries) {
      template.hasResourceProperties('AWS::Athena::NamedQuery', { Name: q.name, Database: LAKE_DATABASE, WorkGroup: LAKE_WORKGROUP, QueryString: q.sql });
    }
  });

  it('feeds Firehose from the table stream with least-privilege grants and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: { Filters: [{ Pattern: Match.stringLikeRegexp('Assignment') }] },
    });
    const feed = policyStatements('LakeFeedServiceRole');
    const actions = feed.flatMap((s) => [s.Action].flat());
    expect(actions).toContain('firehose:PutRecordBatch');
    expect(actions).toContain('dynamodb:BatchGetItem');
    expect(actions.filter((a) => a.startsWith('dynamodb:') && !a.startsWith('dynamodb:GetRecords') && !a.startsWith('dynamodb:GetShardIterator') && !a.startsWith('dynamodb:DescribeStream') && !a.startsWith('dynamodb:ListStreams'))).toEqual(['dynamodb:BatchGetItem']);
    expect(actions.some((a) => a.includes('*') || a.startsWith('s3:') || a.startsWith('dynamodb:Put'))).toBe(false);
    const put = feed.find((s) => [s.Action].flat().includes('firehose:PutRecordBatch'))!;
    expect((put.Resource as unknown[]).length).toBe(LAKE_TABLES.length);

    const delivery = policyStatements('LakeDeliveryRole');
    const deliveryActions = delivery.flatMap((s) => [s.Action].flat());
    expect(deliveryActions).toEqual(expect.arrayContaining(['s3:PutObject', 'glue:GetTableVersions']));
    expect(deliveryActions.some((a) => a === 's3:DeleteObject' || a === 's3:*' || a === 'glue:*')).toBe(false);
  });

  it('gives analysts and QuickSight a reader policy scoped to the workgroup, the lake and the results', () => {
    const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).find((p) => JSON.stringify(p).includes('athena:StartQueryExecution'))!;
    const statements = policy.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[];
    const athena = statements.find((s) => s.Action.includes('athena:StartQueryExecution'))!;
    expect(JSON.stringify(athena.Resource)).toContain(`workgroup/${LAKE_WORKGROUP}`);
    expect(statements.flatMap((s) => s.Action).some((a) => a.endsWith(':*') || a === 's3:DeleteObject')).toBe(false);
  });

  it('alarms on conversion and delivery failures and stale delivery, named for docs/operations.md', () => {
    for (const t of LAKE_TABLES) {
      for (const metric of ['FailedConversion.Records', 'DeliveryToS3.Success', 'DeliveryToS3.DataFreshness']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Firehose',
          MetricName: metric,
          AlarmName: Match.stringLikeRegexp(`^LakeTest-Lake-${t.name}-`),
          Dimensions: [{ Name: 'DeliveryStreamName', Value: Match.objectLike({ Ref: Match.stringLikeRegexp(`LakeDelivery${t.name}`) }) }],
        });
      }
    }
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
  });
});
