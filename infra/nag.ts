// cdk-nag (AwsSolutions pack) findings this stack accepts, each with its one-line reason. Anything
// not acknowledged here fails `cdk synth` and test/infra/operations.test.ts. Finding ids are exact (cdk-nag
// v3 has no prefix match), so ids that embed a logical id are computed from the construct.
import { Annotations, Stack, Validations } from 'aws-cdk-lib';
import type { CfnElement } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

const ack = (construct: IConstruct, id: string, reason: string) => Validations.of(construct).acknowledge({ id, reason });
const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
const find = (stack: Stack, pathPart: string) => stack.node.findAll().filter((c) => c.node.id.includes(pathPart) && c.node.scope === stack);

/** Acknowledges every finding of `rule` under a construct CDK itself builds (its ids embed asset bucket names). */
function ackCdkManaged(construct: IConstruct, rule: string, reason: string) {
  const report = new AwsSolutionsChecks(construct).validateScope(construct);
  for (const v of report.violations) if (v.ruleName === rule || v.ruleName.startsWith(`${rule}[`)) ack(construct, v.ruleName, reason);
}

export function suppressNagFindings(stack: Stack): void {
  const child = (id: string) => stack.node.tryFindChild(id);
  const basicRole = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

  // Every application function (the manifest's Fn-<id>, and functions of constructs such as the lake's)
  const functions = stack.node.findAll().filter((c) => c instanceof LambdaFunction && !c.node.path.includes('CDKBucketDeployment'));
  for (const fn of functions) {
    ack(fn, basicRole, 'The AWS-managed basic execution role only grants writing the function its own log streams.');
    ack(fn, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource narrower than *.');
    ack(fn, 'AwsSolutions-L1', 'Node.js 22 is the runtime the code and its esbuild target (node22) are tested on; both move together.');
  }

  // Table grants (functions and AppSync's DynamoDB data source) include the table's indexes.
  for (const table of find(stack, 'Table-')) {
    ack(stack, `AwsSolutions-IAM5[Resource::<${logicalId(table)}.Arn>/index/*]`, 'Reads by status go through the table\'s GSIs; the grant is limited to this table\'s indexes.');
  }

  const api = child('Api');
  if (api) {
    // CDK warnings (not cdk-nag) about settings chosen on purpose
    Annotations.of(api).acknowledgeWarning('@aws-cdk/aws-appsync:fullRequestResolverMetrics', 'Per-field graphs want every resolver measured.');
    Annotations.of(api).acknowledgeWarning('@aws-cdk/aws-appsync:fullRequestDataSourceMetrics', 'Every data source is measured on purpose.');
    ack(api, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSAppSyncPushToCloudWatchLogs]', 'AppSync\'s managed logging policy only allows writing its own CloudWatch logs.');
  }
  // Callers of a function (AppSync data sources, schedules) may invoke its versions and aliases.
  for (const fn of find(stack, 'Fn-')) {
    ack(stack, `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`, 'Invoking a function includes its versions and aliases (<arn>:*); the grant names this one function.');
  }

  const userPool = child('UserPool');
  if (userPool) {
    ack(userPool, 'AwsSolutions-COG2', 'MFA is not required: the dashboard signs in with USER_PASSWORD_AUTH and has no MFA step yet.');
    ack(userPool, 'AwsSolutions-COG8', 'The Plus feature plan (threat protection) is a paid upgrade for a handful of internal users; enable it per account if required.');
  }

  // Failure queues (stream mapping, schedules) are dead-letter queues themselves.
  for (const queue of stack.node.findAll().filter((c) => c instanceof Queue && /Failures/.test(c.node.id))) {
    ack(queue, 'AwsSolutions-SQS3', 'This queue is itself a dead-letter queue (failed stream batches or scheduled runs); any message alarms.');
  }

  const dashboard = child('Dashboard');
  if (dashboard) {
    ack(dashboard, 'AwsSolutions-S1', 'The bucket only holds the built dashboard, readable only by CloudFront (OAC); access is logged at the API.');
    ack(dashboard, 'AwsSolutions-CFR1', 'The growth team works from anywhere; sign-in guards the data, not geography.');
    ack(dashboard, 'AwsSolutions-CFR3', 'A static page: requests carry no data; every data access goes through the logged API.');
    const distribution = dashboard.node.tryFindChild('Distribution');
    const certificate = dashboard.node.tryFindChild('Certificate');
    if (distribution && !certificate) {
      ack(distribution, 'AwsSolutions-CFR4', 'On the default *.cloudfront.net certificate CloudFront sets the TLS policy; -c dashboardDomain/-c dashboardCertificateArn enforce TLSv1.2_2021.');
    }
  }

  // The event lake (infra/lake.ts): object ARNs under its buckets' prefixes
  const lake = child('Lake');
  for (const [id, suffix] of [['Bucket', '/*'], ['Results', '/results/*']] as const) {
    const bucket = lake?.node.tryFindChild(id);
    if (lake && bucket) ack(lake, `AwsSolutions-IAM5[Resource::<${logicalId(bucket)}.Arn>${suffix}]`, 'Delivery writes and readers read objects under the lake\'s own bucket prefix; object ARNs need the wildcard.');
  }

  // Singletons CDK adds for log retention and the bucket deployment.
  for (const c of find(stack, 'LogRetention')) {
    ack(c, basicRole, 'CDK\'s log retention helper: the managed basic execution role writes its own logs only.');
    ack(c, 'AwsSolutions-IAM5[Resource::*]', 'CDK\'s log retention helper sets retention on log groups whose names it learns at deploy time.');
  }
  for (const c of find(stack, 'CDKBucketDeployment')) {
    ack(c, basicRole, 'CDK\'s bucket deployment helper: the managed basic execution role writes its own logs only.');
    ack(c, 'AwsSolutions-L1', 'CDK\'s bucket deployment helper picks its own runtime.');
    ackCdkManaged(c, 'AwsSolutions-IAM5', 'CDK\'s bucket deployment copies the asset objects (s3:GetObject*, List*) into the dashboard bucket (DeleteObject* when pruning).');
  }
}
