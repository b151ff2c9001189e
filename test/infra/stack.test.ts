import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { manifest } from '../../resolvers/manifest.ts';
import { SplitloopStack } from '../../infra/stack.ts';

let template: Template;

beforeAll(() => {
  const app = new App();
  template = Template.fromStack(new SplitloopStack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } }));
}, 240_000);

describe('the CDK stack', () => {
  it('has one on-demand table with the manifest keys, PITR, TTL and a NEW_AND_OLD_IMAGES stream', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' })],
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('has the API with API key default, IAM and Cognito modes, X-Ray and ERROR field logs', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'API_KEY',
      AdditionalAuthenticationProviders: Match.arrayWith([
        Match.objectLike({ AuthenticationType: 'AWS_IAM' }),
        Match.objectLike({ AuthenticationType: 'AMAZON_COGNITO_USER_POOLS' }),
      ]),
      XrayEnabled: true,
      LogConfig: Match.objectLike({ FieldLogLevel: 'ERROR' }),
    });
  });

  it('creates every manifest resolver, with the APPSYNC_JS runtime where it has code', () => {
    const resolvers = template.findResources('AWS::AppSync::Resolver');
    const fields = Object.values(resolvers).map((r) => `${r.Properties.TypeName}.${r.Properties.FieldName}`);
    expect(fields.sort()).toEqual(manifest.resolvers.map((r) => `${r.typeName}.${r.fieldName}`).sort());
    for (const r of Object.values(resolvers)) {
      expect(r.Properties.Runtime).toEqual({ Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' });
      expect(typeof r.Properties.Code).toBe('string');
    }
    template.resourceCountIs('AWS::AppSync::FunctionConfiguration', manifest.functions.length);
  });

  it('runs every Lambda on Node.js 22, arm64, with tracing and the table name', () => {
    const descriptions = new Set(manifest.lambdas.map((l) => l.description));
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => descriptions.has(f.Properties.Description));
    expect(functions).toHaveLength(manifest.lambdas.length);
    for (const f of functions) {
      expect(f.Properties.Runtime).toBe('nodejs22.x');
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(f.Properties.Environment.Variables.TABLE_NAME).toBeDefined();
      expect(f.Properties.LoggingConfig?.LogGroup).toBeDefined();
    }
    const aggregate = manifest.lambdas.find((l) => l.streamSource)!;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: aggregate.streamSource!.batchSize,
      MaximumBatchingWindowInSeconds: aggregate.streamSource!.maxBatchingWindowSeconds,
      BisectBatchOnFunctionError: false,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('grants least privilege: no wildcard action on the table, read-only where the manifest says read', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).not.toContain('*');
    expect(actions).not.toContain('dynamodb:*');
    const readOnly = manifest.lambdas.filter((l) => l.tables.every((t) => t.access === 'read'));
    expect(readOnly.length).toBeGreaterThan(0);
    for (const l of readOnly) {
      const policy = policies.find((p) => JSON.stringify(p.Properties.Roles).includes(`Fn${l.id}`));
      expect(policy, `policy of ${l.id}`).toBeDefined();
      const own = JSON.stringify(policy!.Properties.PolicyDocument);
      expect(own).not.toMatch(/dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/);
    }
  });

  it('hosts the dashboard privately in S3 behind CloudFront, configured with the API and user pool', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ DefaultRootObject: 'index.html' }),
    });
    const outputs = Object.keys(template.toJSON().Outputs ?? {});
    expect(outputs.some((o) => o.includes('DashboardUrl'))).toBe(true);
  });
});
