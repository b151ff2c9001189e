// The CDK app: the Splitloop stack, the small us-east-1 stack holding the dashboard's WAF web ACL
// (CloudFront accepts no other region's), and cdk-nag's AwsSolutions checks over both. infra/app.ts
// and the infra tests build the app through this one function.
import { Annotations, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Manifest } from '../resolvers/manifest-types.ts';
import { EdgeFirewallStack } from './guardrails.ts';
import { readSettings } from './settings.ts';
import { SplitloopStack } from './stack.ts';

export const EDGE_REGION = 'us-east-1';

export interface BuildAppOptions {
  account?: string;
  /** Without one (an offline `cdk synth` with no AWS profile) the stacks are built for us-east-1. */
  region?: string;
  manifest?: Manifest;
}

export function buildApp(app: App, options: BuildAppOptions = {}) {
  const settings = readSettings(app);
  const region = options.region || EDGE_REGION;
  const edge = settings.cloudFrontWebAclArn
    ? undefined
    : new EdgeFirewallStack(app, 'SplitloopEdge', {
        env: { account: options.account, region: EDGE_REGION },
        rateLimit: settings.wafRateLimit,
        description: 'splitloop: the WAF web ACL of the dashboard (CloudFront needs it in us-east-1)',
      });
  const stack = new SplitloopStack(app, 'Splitloop', {
    env: { account: options.account, region },
    manifest: options.manifest,
    cloudFrontWebAclArn: edge?.webAclArn,
    // The edge stack's ACL ARN reaches a stack in another region through SSM (CDK-managed).
    crossRegionReferences: !!edge && region !== EDGE_REGION,
  });
  // Strong (an export) is right for the one reference: the edge ACL cannot be deleted while in use.
  if (edge) Annotations.of(stack).acknowledgeWarning('@aws-cdk/core:crossStackReferencesDefaultStrong', 'The edge web ACL must outlive its use.');
  // A finding that infra/nag.ts does not acknowledge fails the synth (cdk-nag v3 is a policy validation plugin).
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { stack, edge };
}
