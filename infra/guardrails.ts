// Guardrails against abuse and mistakes: WAF on the API and on CloudFront (a rate limit per client IP
// and the AWS managed common rule set), the API's query depth and resolver count limits (from the
// manifest), introspection off unless a context flag allows it, the field-level log level from
// context, and per-resolver metrics.
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { Manifest } from '../resolvers/manifest-types.ts';
import type { OpsSettings } from './settings.ts';

/** GraphqlApi props that come from the manifest's `api` limits and from the deploy's settings. */
export function apiGuardrailProps(manifest: Manifest, settings: OpsSettings) {
  return {
    queryDepthLimit: manifest.api?.queryDepthLimit || undefined,
    resolverCountLimit: manifest.api?.resolverCountLimit || undefined,
    introspectionConfig: settings.introspection ? appsync.IntrospectionConfig.ENABLED : appsync.IntrospectionConfig.DISABLED,
    fieldLogLevel: appsync.FieldLogLevel[settings.fieldLogLevel],
    enhancedMetricsConfig: settings.enhancedMetrics
      ? {
          resolverLevelMetricsBehavior: appsync.ResolverLevelMetricsBehavior.FULL_REQUEST_RESOLVER_METRICS,
          dataSourceLevelMetricsBehavior: appsync.DataSourceLevelMetricsBehavior.FULL_REQUEST_DATA_SOURCE_METRICS,
          operationLevelMetricsConfig: appsync.OperationLevelMetricsConfig.ENABLED,
        }
      : undefined,
  };
}

const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

/**
 * The rules both web ACLs share. GraphQL bodies are JSON with query text, which the common rule
 * set's 8 KB body size rule would block for large but legitimate experiment definitions: that one
 * rule only counts.
 */
export function webAclRules(prefix: string, rateLimit: number): CfnWebACL.RuleProperty[] {
  return [
    {
      name: 'RatePerIp',
      priority: 0,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
      visibilityConfig: visibility(`${prefix}RatePerIp`),
    },
    {
      name: 'AwsCommonRuleSet',
      priority: 1,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: 'AWSManagedRulesCommonRuleSet',
          ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
        },
      },
      visibilityConfig: visibility(`${prefix}CommonRuleSet`),
    },
  ];
}

export function webAcl(scope: Construct, id: string, scopeName: 'REGIONAL' | 'CLOUDFRONT', rateLimit: number): CfnWebACL {
  const prefix = scopeName === 'REGIONAL' ? 'SplitloopApi' : 'SplitloopEdge';
  return new CfnWebACL(scope, id, {
    scope: scopeName,
    defaultAction: { allow: {} },
    description: `splitloop ${scopeName === 'REGIONAL' ? 'API' : 'dashboard'}: ${rateLimit} requests per IP per 5 minutes, AWS common rule set`,
    rules: webAclRules(prefix, rateLimit),
    visibilityConfig: visibility(prefix),
  });
}

/** The API's web ACL (regional, in the stack's region) and its association with the API. */
export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: { api: appsync.GraphqlApi; settings: OpsSettings }) {
    super(scope, id);
    this.webAcl = webAcl(this, 'WebAcl', 'REGIONAL', props.settings.wafRateLimit);
    new CfnWebACLAssociation(this, 'Association', { resourceArn: props.api.arn, webAclArn: this.webAcl.attrArn });
  }
}

/**
 * CloudFront only accepts web ACLs made in us-east-1. When the main stack is elsewhere, this small
 * stack (SplitloopEdge, see infra/app.ts) holds the ACL and the main stack reads its ARN through
 * CDK's cross-region references; `-c cloudFrontWebAclArn=...` uses an existing ACL instead.
 */
export class EdgeFirewallStack extends Stack {
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: StackProps & { rateLimit: number }) {
    super(scope, id, props);
    this.webAclArn = webAcl(this, 'WebAcl', 'CLOUDFRONT', props.rateLimit).attrArn;
  }
}
