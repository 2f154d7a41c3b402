/**
 * An optional AWS WAF web ACL on the API stage: a rate rule per source IP (so a flood of
 * unauthenticated requests is cut off before it invokes the authorizer) and, by default,
 * the AWS managed common and known-bad-inputs rule groups. Its log goes to an encrypted log
 * group, with the key headers redacted.
 */
import { ArnFormat, type Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiWafProps {
  readonly stage: apigw.Stage;
  /** Requests per source IP per 5-minute window before the IP is blocked. @default 3000 */
  readonly ratePerIp?: number;
  /** Add the AWS managed common and known-bad-inputs rule groups. @default true */
  readonly managedRules?: boolean;
  /** Encrypts the WAF log group. */
  readonly logsKey: kms.IKey;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export const apiWafDefaults = {
  ratePerIp: 3000,
  managedRules: true,
  removalPolicy: RemovalPolicy.RETAIN,
} as const;

/** The rate rule's name, also its metric name (the `Rule` dimension of its WAF metrics). */
const RATE_RULE = 'rate-per-ip';

/** The ingest API takes JSON bodies up to 1 MB: the common rule set's 8 KB body rule would
 * refuse legitimate batches, so it only counts. */
const COUNT_ONLY = ['SizeRestrictions_BODY'] as const;

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const managedGroup = (
  name: string,
  priority: number,
  excluded: readonly string[] = [],
): wafv2.CfnWebACL.RuleProperty => ({
  name: `aws-${name}`,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ...(excluded.length === 0
        ? {}
        : {
            ruleActionOverrides: excluded.map((rule) => ({
              name: rule,
              actionToUse: { count: {} },
            })),
          }),
    },
  },
  visibilityConfig: visibility(name),
});

export class ApiWaf extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly logGroup: logs.LogGroup;
  /** The web ACL's name, also its metric name (the `WebACL` dimension of its metrics). */
  public readonly webAclName: string;

  constructor(scope: Construct, id: string, props: ApiWafProps) {
    super(scope, id);
    const p = { ...apiWafDefaults, ...props };
    if (!Number.isInteger(p.ratePerIp) || p.ratePerIp < 100 || p.ratePerIp > 2_000_000_000) {
      throw new Error(`${id}: ratePerIp must be an integer 100..2000000000, got ${p.ratePerIp}`);
    }
    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      {
        name: RATE_RULE,
        priority: 0,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            limit: p.ratePerIp,
            aggregateKeyType: 'IP',
            evaluationWindowSec: 300,
          },
        },
        visibilityConfig: visibility(RATE_RULE),
      },
    ];
    if (p.managedRules) {
      rules.push(managedGroup('AWSManagedRulesCommonRuleSet', 1, COUNT_ONLY));
      rules.push(managedGroup('AWSManagedRulesKnownBadInputsRuleSet', 2));
    }
    this.webAclName = `${Stack.of(this).stackName}-api`;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: this.webAclName,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'Audit trail: rate per IP and managed rules in front of the API',
      rules,
      visibilityConfig: visibility(this.webAclName),
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: p.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF requires the log group name to start with aws-waf-logs-, and its ARN without `:*`.
    const logGroupName = `aws-waf-logs-${this.node.addr}`;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      encryptionKey: p.logsKey,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: p.removalPolicy,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // The API key travels in these headers: never in a log.
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'x-api-key' } },
      ],
    });
  }

  /** Requests the rate rule blocked: each one comes from an IP past `ratePerIp` in 5 min. */
  metricRateBlocked(period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: {
        WebACL: this.webAclName,
        Rule: RATE_RULE,
        Region: Stack.of(this).region,
      },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }
}
