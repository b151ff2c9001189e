// Pushes a new alert: to onExperimentAlert subscribers through the API's publishAlert mutation (as
// the aggregator publishes counts), and on AWS to the alerts topic (SNS), whose subscribers may be
// e-mail addresses. A failed push is logged, never thrown: the alert is already stored and
// `alerts` lists it.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LambdaConfig } from '../shared/config.ts';
import { callGraphql } from '../shared/graphql-client.ts';
import type { Alert } from './state.ts';

const PUBLISH_ALERT = /* GraphQL */ `
  mutation PublishAlert($input: PublishAlertInput!) {
    publishAlert(input: $input) { id experimentId phase kind message createdAt }
  }
`;

/** SNS Publish over its query API, signed with the function's role (no SNS client needed). */
async function publishToTopic(config: LambdaConfig, topicArn: string, alert: Alert): Promise<void> {
  const region = topicArn.split(':')[3] ?? config.region;
  if (!config.credentials) throw new Error('no AWS credentials in the environment');
  const body = new URLSearchParams({
    Action: 'Publish',
    Version: '2010-03-31',
    TopicArn: topicArn,
    Subject: `splitloop ${alert.kind}: experiment ${alert.experimentId}`.slice(0, 99),
    Message: `${alert.message}\n\nexperiment ${alert.experimentId}, phase ${alert.phase}, ${alert.createdAt}`,
  }).toString();
  const hostname = `sns.${region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: 'sns',
    region,
    sha256: Sha256,
    credentials: config.credentials,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'https:',
    hostname,
    path: '/',
    headers: { host: hostname, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const response = await fetch(`https://${hostname}/`, { method: 'POST', headers: signed.headers as Record<string, string>, body, signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`SNS Publish answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
}

export async function pushAlert(config: LambdaConfig, alert: Alert): Promise<void> {
  try {
    const response = await callGraphql(config, PUBLISH_ALERT, { input: alert });
    if (response.errors?.length) console.error(`publishAlert ${alert.id} failed`, response.errors);
  } catch (error) {
    console.error(`publishAlert ${alert.id} failed`, error);
  }
  const topic = config.alertsTopicArn;
  if (topic) await publishToTopic(config, topic, alert).catch((error) => console.error(`SNS publish of ${alert.id} failed`, error));
}
