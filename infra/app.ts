import { App } from 'aws-cdk-lib';
import { SplitloopStack } from './stack.ts';

const app = new App();
new SplitloopStack(app, 'Splitloop', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
