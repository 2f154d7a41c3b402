/**
 * The browser console (console/ in the repository) on AWS: its files in a private bucket
 * (no public access, TLS only), served by CloudFront through Origin Access Control, with the
 * API behind the same distribution under `/v1/*` so the console calls its own origin (no
 * CORS, and the same key store's keys sign in). Optional: `console.enabled` in the config.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledgeRule, acknowledgeWildcards } from '#lib/nag.ts';
import { projectRoot } from '#lib/paths.ts';

export interface ConsoleProps {
  /** The API the console calls, served under `/v1/*` of the same distribution. */
  readonly api: apigw.RestApi;
  /** Where the console bucket's server access logs go (the archive's log bucket). */
  readonly accessLogsBucket: s3.IBucket;
  /** The console's static files. @default `<repo>/console` */
  readonly sourceDir?: string;
  /** Of the bucket. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Mirrors the local server's CSP (lambdas/adapters/local/http/console-assets.ts). */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-src blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** `/console` and `/console/` → the index: S3 has no directory index behind OAC. */
const INDEX_FUNCTION = `function handler(event) {
  var request = event.request;
  if (request.uri === '/' || request.uri === '/console') {
    return { statusCode: 308, statusDescription: 'Permanent Redirect', headers: { location: { value: '/console/' } } };
  }
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  return request;
}`;

export class Console extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  /** `https://<distribution>/console/` */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    // Access log delivery by bucket policy, as the archive's own buckets do.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    this.bucket = new s3.Bucket(this, 'Assets', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'console/',
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CSP, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER,
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Audit trail console',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket as s3.IBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'Index', {
              code: cloudfront.FunctionCode.fromInline(INDEX_FUNCTION),
              runtime: cloudfront.FunctionRuntime.JS_2_0,
            }),
          },
        ],
      },
      additionalBehaviors: {
        // The API, never cached, with every viewer header (the key) passed on.
        '/v1/*': {
          origin: new origins.RestApiOrigin(props.api),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    });

    new s3deploy.BucketDeployment(this, 'Files', {
      sources: [s3deploy.Source.asset(props.sourceDir ?? `${projectRoot}/console`)],
      // exactOptionalPropertyTypes cannot see that a Bucket is an IBucket.
      destinationBucket: this.bucket as s3.IBucket,
      destinationKeyPrefix: 'console/',
      distribution: this.distribution,
      distributionPaths: ['/console/*'],
    });
    this.url = `https://${this.distribution.distributionDomainName}/console/`;
    this.acknowledge();
  }

  private acknowledge(): void {
    acknowledgeRule(
      this.distribution,
      'AwsSolutions-CFR1',
      'Who may read is decided by the API key on every /v1 call, not by country.',
    );
    acknowledgeRule(
      this.distribution,
      'AwsSolutions-CFR2',
      'The API behind /v1 has its own throttling and usage plans; a WAF is the hardening construct’s concern (issue 11).',
    );
    acknowledgeRule(
      this.distribution,
      'AwsSolutions-CFR3',
      'CloudFront standard logs need an ACL-enabled bucket; every API call is logged by API Gateway and every raw read is an access record, and the bucket has S3 access logs.',
    );
    acknowledgeRule(
      this.distribution,
      'AwsSolutions-CFR4',
      'The default *.cloudfront.net certificate allows older TLS for viewers; TLS 1.2+ applies once a custom domain and certificate are configured.',
    );
    acknowledgeRule(
      this.bucket,
      'S3BucketReplicationEnabled',
      'The console files are built from the repository and redeployed by cdk deploy: nothing to replicate.',
    );
    acknowledgeRule(
      this.bucket,
      'S3DefaultEncryptionKMS',
      'Static console files with no data in them: SSE-S3 is enough, and CloudFront reads them through OAC without a key grant.',
    );
    // The CDK's bucket deployment Lambda (one per stack, a custom resource run at deploy time).
    const deploy =
      'The CDK bucket deployment custom resource: its role, policy, log group and runtime are the CDK’s; it runs only during cdk deploy, copying these files.';
    for (const child of Stack.of(this).node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      acknowledgeRule(
        child,
        [
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          'AwsSolutions-L1',
          'IAMNoInlinePolicy',
          'CloudWatchLogGroupEncrypted',
        ],
        deploy,
      );
      acknowledgeRule(
        child,
        ['LambdaDLQ', 'LambdaInsideVPC', 'LambdaConcurrency'],
        'A CloudFormation custom resource invoked synchronously at deploy time: failures fail the deployment, no VPC resource is touched.',
      );
      const policy = child.node.tryFindChild('ServiceRole')?.node.tryFindChild('DefaultPolicy');
      const cfn = policy?.node.defaultChild;
      if (cfn instanceof iam.CfnPolicy) acknowledgeWildcards(cfn, deploy);
    }
  }
}
