// The manifest's schedules on AWS: one EventBridge Scheduler schedule per entry, invoking its Lambda
// with a retry policy and an SQS dead-letter queue for invocations that exhausted their retries
// (ops alarms on it). Lambdas that publish alerts get the alerts topic (SNS), which an operator may
// subscribe an e-mail address to with the context value `alertEmail` (cdk deploy -c alertEmail=...).
import { Duration, Stack } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Manifest } from '../resolvers/manifest-types.ts';

export interface SchedulesProps {
  manifest: Manifest;
  functions: Map<string, NodejsFunction>;
}

export class Schedules extends Construct {
  readonly alertsTopic: Topic;
  /** Per schedule id: its dead-letter queue. */
  readonly deadLetterQueues = new Map<string, Queue>();

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const fn = (lambdaId: string) => {
      const f = props.functions.get(lambdaId);
      if (!f) throw new Error(`manifest names unknown lambda ${lambdaId}`);
      return f;
    };

    this.alertsTopic = new Topic(this, 'Alerts', { displayName: 'splitloop experiment alerts', enforceSSL: true });
    const email = Stack.of(this).node.tryGetContext('alertEmail') as string | undefined;
    if (email) this.alertsTopic.addSubscription(new EmailSubscription(email));
    for (const def of props.manifest.lambdas.filter((l) => l.publishesAlerts)) {
      const f = fn(def.id);
      f.addEnvironment('ALERTS_TOPIC_ARN', this.alertsTopic.topicArn);
      this.alertsTopic.grantPublish(f);
    }

    for (const s of props.manifest.schedules ?? []) {
      const dlq = new Queue(this, `Failures-${s.id}`, {
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      this.deadLetterQueues.set(s.id, dlq);
      new Schedule(this, `Schedule-${s.id}`, {
        description: s.description,
        schedule: ScheduleExpression.rate(Duration.minutes(s.rateMinutes)),
        target: new LambdaInvoke(fn(s.lambda), {
          deadLetterQueue: dlq,
          retryAttempts: s.retryAttempts,
          // A run older than one period is superseded by the next one: drop it rather than pile up.
          maxEventAge: Duration.minutes(Math.max(1, s.rateMinutes)),
        }),
      });
    }
  }
}
