// The manifest's schedules on AWS: synthesised from the real stack with a manifest cut down to the
// scheduled Lambda (bundling every function would take minutes; the wiring is the same loop).
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SplitloopStack } from '../../infra/stack.ts';
import { manifest } from '../../resolvers/manifest.ts';

const schedule = manifest.schedules!.find((s) => s.id === 'analysis')!;
const analysis = manifest.lambdas.find((l) => l.id === schedule.lambda)!;
let template: Template;

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function statementsOf(roleFragment: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  return policies
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleFragment))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

beforeAll(() => {
  const app = new App({ context: { alertEmail: 'ops@example.com' } });
  const cut = { ...manifest, lambdas: [analysis], dataSources: [], functions: [], resolvers: [] };
  template = Template.fromStack(new SplitloopStack(app, 'Sched', { manifest: cut, env: { account: '123456789012', region: 'us-east-1' } }));
}, 120_000);

describe('scheduled analysis on AWS', () => {
  it('runs on an EventBridge Scheduler rate with retries and an SQS dead-letter queue', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `rate(${schedule.rateMinutes} minutes)`,
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('Fnanalysis'), 'Arn'] }),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: schedule.retryAttempts }),
        DeadLetterConfig: { Arn: Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('SchedulesFailuresanalysis'), 'Arn'] }) },
      }),
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 86_400, SqsManagedSseEnabled: true });
  });

  it('has an SNS alerts topic, with the e-mail subscription from the alertEmail context value', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic')).filter((id) => id.startsWith('SchedulesAlerts'));
    expect(topics).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topics[0] } });
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Description === analysis.description)!;
    expect(JSON.stringify(fn.Properties.Environment.Variables.ALERTS_TOPIC_ARN)).toMatch(/^\{"Ref":"SchedulesAlerts[0-9A-F]+"\}$/);
  });

  it('grants the analysis Lambda only what it needs: table items, sns:Publish on the topic, the publishAlert mutation', () => {
    const statements = statementsOf('Fnanalysis');
    const actions = statements.flatMap(actionsOf);
    expect(actions.some((a) => a.includes('*') && !/^dynamodb:(BatchGet|Get|Query|Scan|ConditionCheck|BatchWrite|Put|Update|Delete)/.test(a))).toBe(false);
    expect(actions).not.toContain('dynamodb:DeleteTable');
    const sns = statements.filter((s) => actionsOf(s).includes('sns:Publish'));
    expect(sns).toHaveLength(1);
    expect(JSON.stringify(sns[0]!.Resource)).toMatch(/SchedulesAlerts/);
    const graphql = statements.filter((s) => actionsOf(s).includes('appsync:GraphQL'));
    expect(graphql).toHaveLength(1);
    const resources = JSON.stringify(graphql[0]!.Resource);
    expect(resources).toMatch(/types\/Mutation\/fields\/publishAlert/);
    expect(resources).not.toMatch(/fields\/publishCounts|types\/Mutation\/\*/);
    // nothing else: no other service, no wildcard resource outside the table's own index ARNs
    const services = new Set(actions.map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['appsync', 'dynamodb', 'logs', 'sns', 'xray'].filter((s) => services.has(s)));
    expect(services.has('sqs')).toBe(false);
  });

  it('lets the scheduler role invoke only the analysis function and write only to its dead-letter queue', () => {
    const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    );
    expect(roles).toHaveLength(1);
    const statements = statementsOf(roles[0]![0]);
    const byAction = Object.fromEntries(statements.map((s) => [actionsOf(s).join(','), JSON.stringify(s.Resource)]));
    expect(Object.keys(byAction).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    expect(byAction['lambda:InvokeFunction']).toMatch(/Fnanalysis/);
    expect(byAction['sqs:SendMessage']).toMatch(/SchedulesFailuresanalysis/);
  });
});
