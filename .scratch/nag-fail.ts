import { App } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { buildApp } from '../infra/build-app.ts';
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, outdir: '/tmp/ops/out' });
const { stack } = buildApp(app, { account: '123456789012', region: 'eu-west-1' });
new Queue(stack, 'Rogue');
try { app.synth(); console.log('SYNTH OK (unexpected)'); } catch (e) { console.log('SYNTH THREW', String(e).slice(0, 400)); }
