/**
 * The console on AWS (lib/constructs/console.ts): a private bucket read by CloudFront
 * through Origin Access Control only, the API under /v1/* of the same distribution, and
 * cdk-nag clean. Off unless `console.enabled`.
 */
import type { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyNag } from '#lib/nag.ts';
import { buildStack, templateOf } from '#test/infra/support.ts';

describe('the console construct', () => {
  let app: App;
  let template: ReturnType<typeof templateOf>;

  beforeAll(() => {
    const built = buildStack({ config: { console: { enabled: true } } });
    app = built.app;
    template = templateOf(built.stack);
  });

  it('is not in the stack unless enabled', () => {
    const { stack } = buildStack();
    expect(stack.console).toBeUndefined();
    templateOf(stack).resourceCountIs('AWS::CloudFront::Distribution', 0);
  });

  it('keeps the files in a bucket nobody reads but CloudFront, over TLS', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'console/' }),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    // The console bucket's policy: CloudFront's service principal for this distribution
    // only (and the TLS-only deny); no `*` principal is ever allowed.
    const policies = template.findResources('AWS::S3::BucketPolicy');
    const consolePolicy = Object.entries(policies).find(([id]) => id.startsWith('ConsoleAssets'));
    if (consolePolicy === undefined) throw new Error('no bucket policy on the console bucket');
    const statements = (
      consolePolicy[1] as {
        Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } };
      }
    ).Properties.PolicyDocument.Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const s of allows) {
      expect(s.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(JSON.stringify(s.Condition)).toContain('AWS:SourceArn');
    }
  });

  it('serves the console and, under /v1/*, the API, uncached, HTTPS only', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          FunctionAssociations: Match.anyValue(),
          ResponseHeadersPolicyId: Match.anyValue(),
        }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/v1/*',
            ViewerProtocolPolicy: 'https-only',
            AllowedMethods: Match.arrayWith(['POST', 'DELETE']),
          }),
        ],
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: Match.stringLikeRegexp("connect-src 'self'"),
          }),
        }),
      }),
    });
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketKeyPrefix: 'console/',
    });
    template.hasOutput('ConsoleUrl', {});
  });

  it.each(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security'])(
    'passes cdk-nag %s with reasons for what it acknowledges',
    (name) => {
      const pack = applyNag(app).find((p) => p.readPackName === name);
      const report = pack?.validateScope(app);
      const findings = (report?.violations ?? []).map(
        (v) =>
          `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      );
      expect(findings).toEqual([]);
    },
  );
});
