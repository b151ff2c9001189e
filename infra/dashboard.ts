// The growth team's dashboard in AWS: the bundled page in a private S3 bucket behind CloudFront
// (origin access control, HTTPS only, security headers with a strict CSP), a Cognito app client
// for the page's sign-in (USER_PASSWORD_AUTH over HTTPS; SRP would need a client library), and a
// config.json that points the page at the API, its realtime endpoint and the user pool.
//
// Wiring (infra/stack.ts, after the API and the user pool exist):
//   new DashboardSite(this, 'Dashboard', { api: this.api, userPool });
// Users sign in with an account of the user pool in the group `experimenters`.
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildDashboardSync } from '../dashboard/build.ts';
import { AWS_CONNECT_SRC, dashboardCsp } from '../dashboard/csp.ts';

export interface DashboardSiteProps {
  api: appsync.GraphqlApi;
  userPool: cognito.IUserPool;
  /** A built page (index.html, app.js, styles.css); default: build dashboard/ at synth time. */
  distDir?: string;
  /** Default DESTROY: the bucket only holds build output, which every deploy recreates. */
  removalPolicy?: RemovalPolicy;
  /** A CLOUDFRONT-scope WAF web ACL (made in us-east-1; see infra/guardrails.ts). */
  webAclArn?: string;
  /**
   * A custom domain and its ACM certificate (in us-east-1). Only with a certificate of its own does a
   * distribution honour a minimum TLS version; on the default *.cloudfront.net certificate
   * CloudFront fixes the security policy itself.
   */
  domain?: { name: string; certificateArn: string };
}

export class DashboardSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly userPoolClient: cognito.UserPoolClient;
  /** https://<distribution domain> */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    const distDir = props.distDir ?? buildDashboardSync();
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });

    this.userPoolClient = new cognito.UserPoolClient(this, 'WebClient', {
      userPool: props.userPool,
      authFlows: { userPassword: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(7),
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: dashboardCsp({ connectSrc: AWS_CONNECT_SRC }), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const tls = props.domain
      ? {
          domainNames: [props.domain.name],
          certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
          minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        }
      : {};
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'splitloop dashboard',
      defaultRootObject: 'index.html',
      ...tls,
      webAclId: props.webAclArn,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      additionalBehaviors: {
        // Never cached, so that a redeployed API or user pool is picked up at once.
        '/config.json': {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: headers,
        },
      },
      // The page routes with the URL hash, but a deep link to a path should still load it.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(10) })),
    });
    this.url = `https://${props.domain?.name ?? this.distribution.distributionDomainName}`;

    const cfnApi = props.api.node.defaultChild as appsync.CfnGraphQLApi;
    new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.asset(distDir),
        s3deploy.Source.jsonData('config.json', {
          graphqlUrl: props.api.graphqlUrl,
          realtimeUrl: cfnApi.attrRealtimeUrl,
          cognito: { region: Stack.of(this).region, userPoolId: props.userPool.userPoolId, clientId: this.userPoolClient.userPoolClientId },
          environment: 'aws',
        }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 256,
    });

    new CfnOutput(this, 'DashboardUrl', { value: this.url, description: 'The growth team dashboard (sign in with a user of the experimenters group)' });
    new CfnOutput(this, 'DashboardUserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }
}
