// The event lake on AWS (README: "The event lake"). Added to the stack with one line:
//   new EventLake(this, 'Lake', { table: this.tables.get('main')! });
//
//   table stream --(2nd consumer: Lambda lambdas/lake/handler.ts)--> Amazon Data Firehose (one
//   stream per lake table, JSON -> Parquet with the Glue schema) --> S3 <table>/dt=YYYY-MM-DD/
//   Glue database + tables (partition projection on dt: no crawler) <-- Athena workgroup (results
//   bucket, bytes-scanned limit) with the named queries of insights/queries/*.sql.
//
// Why a Lambda on the DynamoDB stream and not Kinesis Data Streams for DynamoDB: the table already
// has a stream (the aggregator reads it) and DynamoDB Streams allows two readers per shard, so the
// lake costs no extra stream; a Lambda is needed either way, because Firehose's format conversion
// reads flat JSON matching the Glue schema, not DynamoDB JSON, and events do not carry their
// referrer (the Lambda looks it up). A third stream reader would be the point to move to Kinesis.
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import { Architecture, FilterCriteria, FilterRule, Runtime, StartingPosition, Tracing } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, LogStream, RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { loadNamedQueries } from '../insights/queries.ts';
import { LAKE_TABLES, PARTITION_COLUMN, type LakeType } from '../lambdas/lake/schema.ts';
import { ROOT } from '../scripts/bundle-resolvers.ts';

export interface EventLakeProps {
  table: TableV2;
  /** Days the lake keeps its files (default 730). The table's own events expire after 180. */
  retentionDays?: number;
  /** Per-query scan limit of the Athena workgroup in bytes (default 10 GiB; Athena's minimum is 10 MiB). */
  bytesScannedCutoffPerQuery?: number;
  /** Where the lake's alarms go (the ops topic), if anywhere. */
  alarmTopic?: ITopic;
  /** First date of the dt projection (default 2025-01-01). */
  projectionStart?: string;
}

const GLUE_TYPES: Record<LakeType, string> = { string: 'string', int: 'int', double: 'double', timestamp: 'timestamp' };
export const LAKE_DATABASE = 'splitloop_lake';
export const LAKE_WORKGROUP = 'splitloop-insights';

export class EventLake extends Construct {
  readonly bucket: s3.Bucket;
  readonly resultsBucket: s3.Bucket;
  readonly database: glue.CfnDatabase;
  readonly workGroup: athena.CfnWorkGroup;
  readonly feed: NodejsFunction;
  readonly deliveryStreams = new Map<string, firehose.CfnDeliveryStream>();
  readonly alarms: cloudwatch.Alarm[] = [];
  /** Stream batches the feed gave up on. */
  readonly feedFailures: Queue;
  /** Attach to analysts and QuickSight's role: query the workgroup, read the lake, write results. */
  readonly readerPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: EventLakeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const retentionDays = props.retentionDays ?? 730;

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'lake/',
      lifecycleRules: [
        {
          id: 'lake-retention',
          transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(30) }],
          expiration: Duration.days(retentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        { id: 'delivery-errors', prefix: 'errors/', expiration: Duration.days(30) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.resultsBucket = new s3.Bucket(this, 'Results', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'results/',
      lifecycleRules: [{ id: 'query-results', expiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Glue: one table per lake table, partition projection on dt so that no crawler or
    // MSCK REPAIR is needed and a new day is queryable as soon as Firehose writes it.
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: LAKE_DATABASE, description: 'splitloop event lake: assignments, events, rewards (Parquet, partitioned by dt)' },
    });
    const tables = new Map<string, glue.CfnTable>();
    for (const t of LAKE_TABLES) {
      const location = `s3://${this.bucket.bucketName}/${t.name}/`;
      const table = new glue.CfnTable(this, `Table-${t.name}`, {
        catalogId: stack.account,
        databaseName: LAKE_DATABASE,
        tableInput: {
          name: t.name,
          description: t.comment,
          tableType: 'EXTERNAL_TABLE',
          partitionKeys: [{ name: PARTITION_COLUMN, type: 'string', comment: 'UTC date the item was written (yyyy-MM-dd)' }],
          parameters: {
            classification: 'parquet',
            EXTERNAL: 'TRUE',
            'projection.enabled': 'true',
            [`projection.${PARTITION_COLUMN}.type`]: 'date',
            [`projection.${PARTITION_COLUMN}.format`]: 'yyyy-MM-dd',
            [`projection.${PARTITION_COLUMN}.range`]: `${props.projectionStart ?? '2025-01-01'},NOW`,
            [`projection.${PARTITION_COLUMN}.interval`]: '1',
            [`projection.${PARTITION_COLUMN}.interval.unit`]: 'DAYS',
            'storage.location.template': `${location}${PARTITION_COLUMN}=\${${PARTITION_COLUMN}}/`,
          },
          storageDescriptor: {
            location,
            columns: t.columns.map((c) => ({ name: c.name, type: GLUE_TYPES[c.type], comment: c.comment })),
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          },
        },
      });
      table.node.addDependency(this.database);
      tables.set(t.name, table);
    }
    const databaseArn = stack.formatArn({ service: 'glue', resource: 'database', resourceName: LAKE_DATABASE });
    const catalogArn = stack.formatArn({ service: 'glue', resource: 'catalog' });
    const tableArns = LAKE_TABLES.map((t) => stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${LAKE_DATABASE}/${t.name}` }));

    // Firehose: Direct PUT streams (the Lambda puts), Parquet conversion with the Glue schema.
    const logGroup = new LogGroup(this, 'DeliveryLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const deliveryRole = new iam.Role(this, 'DeliveryRole', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com') });
    deliveryRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      }),
    );
    deliveryRole.addToPolicy(new iam.PolicyStatement({ actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'], resources: [catalogArn, databaseArn, ...tableArns] }));
    logGroup.grantWrite(deliveryRole);

    for (const t of LAKE_TABLES) {
      const logStream = new LogStream(this, `DeliveryLog-${t.name}`, { logGroup, logStreamName: `s3-${t.name}`, removalPolicy: RemovalPolicy.DESTROY });
      const stream = new firehose.CfnDeliveryStream(this, `Delivery-${t.name}`, {
        deliveryStreamType: 'DirectPut',
        deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
        extendedS3DestinationConfiguration: {
          bucketArn: this.bucket.bucketArn,
          roleArn: deliveryRole.roleArn,
          // Firehose's own clock (arrival time, UTC) names the partition: within minutes of the
          // item's write time, which names it in the local export.
          prefix: `${t.name}/${PARTITION_COLUMN}=!{timestamp:yyyy-MM-dd}/`,
          errorOutputPrefix: `errors/${t.name}/!{firehose:error-output-type}/${PARTITION_COLUMN}=!{timestamp:yyyy-MM-dd}/`,
          // Format conversion needs a buffer of at least 64 MiB; 5 minutes bounds the delay.
          bufferingHints: { intervalInSeconds: 300, sizeInMBs: 128 },
          compressionFormat: 'UNCOMPRESSED', // Parquet compresses its pages itself (Snappy below)
          cloudWatchLoggingOptions: { enabled: true, logGroupName: logGroup.logGroupName, logStreamName: logStream.logStreamName },
          dataFormatConversionConfiguration: {
            enabled: true,
            inputFormatConfiguration: { deserializer: { hiveJsonSerDe: { timestampFormats: ['millis'] } } },
            outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
            schemaConfiguration: {
              catalogId: stack.account,
              databaseName: LAKE_DATABASE,
              tableName: t.name,
              region: stack.region,
              roleArn: deliveryRole.roleArn,
              versionId: 'LATEST',
            },
          },
        },
      });
      stream.node.addDependency(deliveryRole);
      stream.node.addDependency(tables.get(t.name)!);
      this.deliveryStreams.set(t.name, stream);
    }

    // The feed: a second reader of the table's stream. Only the lake's entities wake it.
    this.feed = new NodejsFunction(this, 'Feed', {
      entry: join(ROOT, 'lambdas', 'lake', 'handler.ts'),
      handler: 'handler',
      description: 'Table stream -> event lake rows -> Amazon Data Firehose',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(60),
      tracing: Tracing.ACTIVE,
      logGroup: new LogGroup(this, 'FeedLogs', { retention: RetentionDays.ONE_MONTH }),
      environment: {
        TABLE_NAME: props.table.tableName,
        NODE_OPTIONS: '--enable-source-maps',
        ...Object.fromEntries(LAKE_TABLES.map((t) => [`LAKE_STREAM_${t.name.toUpperCase()}`, this.deliveryStreams.get(t.name)!.ref])),
      },
      bundling: { format: OutputFormat.ESM, minify: true, sourceMap: true, target: 'node22' },
    });
    const dlq = new Queue(this, 'FeedFailures', { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
    this.feed.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 500,
        maxBatchingWindow: Duration.seconds(30),
        retryAttempts: 5,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(dlq),
        filters: [FilterCriteria.filter({ dynamodb: { NewImage: { entity: { S: FilterRule.or('Assignment', 'Event', 'Reward') } } } })],
      }),
    );
    // Least privilege: put into the three delivery streams, read code and attribution items.
    this.feed.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['firehose:PutRecordBatch'], resources: [...this.deliveryStreams.values()].map((s) => s.attrArn) }),
    );
    this.feed.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:BatchGetItem'], resources: [props.table.tableArn] }));

    // Athena: results encrypted and expired, workgroup settings enforced, a scan limit per query.
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: LAKE_WORKGROUP,
      description: 'splitloop insights over the event lake',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    // The named queries are the same files the local `splitloop insights` runs with DuckDB.
    for (const q of loadNamedQueries()) {
      const named = new athena.CfnNamedQuery(this, `Query-${q.name}`, {
        name: q.name,
        description: q.description.slice(0, 1024),
        database: LAKE_DATABASE,
        workGroup: LAKE_WORKGROUP,
        queryString: q.sql,
      });
      named.node.addDependency(this.workGroup);
      named.node.addDependency(this.database);
    }

    const workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: LAKE_WORKGROUP });
    this.readerPolicy = new iam.ManagedPolicy(this, 'ReaderPolicy', {
      description: 'Query the splitloop event lake through its Athena workgroup (analysts, QuickSight)',
      statements: [
        new iam.PolicyStatement({
          actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup', 'athena:ListNamedQueries', 'athena:GetNamedQuery', 'athena:BatchGetNamedQuery'],
          resources: [workGroupArn],
        }),
        new iam.PolicyStatement({ actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'], resources: [catalogArn, databaseArn, ...tableArns] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'], resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')] }),
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:GetBucketLocation', 's3:AbortMultipartUpload'],
          resources: [this.resultsBucket.bucketArn, this.resultsBucket.arnForObjects('results/*')],
        }),
      ],
    });

    // Alarms: rows that Firehose could not convert or deliver, and a delivery that stalls.
    for (const t of LAKE_TABLES) {
      const dims = { DeliveryStreamName: this.deliveryStreams.get(t.name)!.ref };
      const metric = (metricName: string, statistic: string) => new cloudwatch.Metric({ namespace: 'AWS/Firehose', metricName, dimensionsMap: dims, statistic, period: Duration.minutes(5) });
      this.alarms.push(
        new cloudwatch.Alarm(this, `ConversionFailures-${t.name}`, {
          alarmName: `${stack.stackName}-Lake-${t.name}-ConversionFailures`,
          alarmDescription: `Firehose could not convert ${t.name} rows to Parquet (see errors/${t.name}/ in the lake bucket)`,
          metric: metric('FailedConversion.Records', 'Sum'),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(this, `DeliveryFailures-${t.name}`, {
          alarmName: `${stack.stackName}-Lake-${t.name}-DeliveryFailures`,
          alarmDescription: `Firehose deliveries of ${t.name} to S3 are failing`,
          metric: metric('DeliveryToS3.Success', 'Average'),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(this, `DeliveryStale-${t.name}`, {
          alarmName: `${stack.stackName}-Lake-${t.name}-DeliveryStale`,
          alarmDescription: `${t.name} rows waited over 15 minutes for delivery to S3`,
          metric: metric('DeliveryToS3.DataFreshness', 'Maximum'),
          threshold: 900,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    // The feed's dead-letter queue is watched by the stack's Monitoring like every failure queue
    // (alarm Queue-Lake-FeedFailures); standalone, pass alarmTopic and watch `feedFailures`.
    this.feedFailures = dlq;
    if (props.alarmTopic) this.notify(props.alarmTopic);

    new CfnOutput(this, 'LakeBucketName', { value: this.bucket.bucketName, description: 'S3 bucket of the event lake' });
    new CfnOutput(this, 'LakeWorkGroup', { value: LAKE_WORKGROUP, description: 'Athena workgroup with the named queries' });
    new CfnOutput(this, 'LakeReaderPolicyArn', { value: this.readerPolicy.managedPolicyArn, description: 'attach to analysts and to the QuickSight service role' });
  }

  /** Sends the lake's alarms to a topic (the stack passes the operations topic once it exists). */
  notify(topic: ITopic): void {
    for (const alarm of this.alarms) alarm.addAlarmAction(new cwActions.SnsAction(topic));
  }
}
