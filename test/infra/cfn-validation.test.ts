/**
 * CDK's built-in CloudFormation validation (cfn-lint's rules in wasm) runs at every synth
 * of `cdk synth`, and cdk.json's `validateAgainstDefaultRules` makes an error fail it. The
 * other infra tests synthesise without it (its engine costs ~20 CPU-seconds per process);
 * here it runs on the default stack and on one stack with every optional part switched on,
 * so every resource type any configuration creates passes through it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import {
  buildStack,
  FAIRNESS_REVIEW,
  MANAGED_POLICY_YAML,
  REPLICATION_AND_WAF,
  testDir,
} from '#test/infra/support.ts';

/** validation-report.json: a plugin is listed only when it failed or reported a violation. */
interface Report {
  readonly title: string;
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly conclusion: 'success' | 'failure';
    readonly violations: readonly { readonly severity?: string; readonly ruleName?: string }[];
  }[];
}

/** Synthesises with validation on; answers the validation report the synth wrote and the
 * template it validated. */
const validatedSynth = (
  built: ReturnType<typeof buildStack>,
): { report: Report; template: Template } => {
  const assembly = built.app.synth();
  const file = join(assembly.directory, VALIDATION_REPORT_FILE);
  // The report proves the validation ran: a synth without it writes none.
  expect(existsSync(file)).toBe(true);
  return {
    report: JSON.parse(readFileSync(file, 'utf8')) as Report,
    template: Template.fromJSON(assembly.getStackArtifact(built.stack.artifactId).template),
  };
};

/** Failed plugins and error-level violations (warnings do not fail `cdk synth`). */
const errorsIn = (report: Report): string[] =>
  report.pluginReports.flatMap((r) => [
    ...(r.conclusion === 'success' ? [] : [`${r.pluginName}: ${r.conclusion}`]),
    ...r.violations
      .filter((v) => v.severity === 'error' || v.severity === 'fatal')
      .map((v) => `${r.pluginName}: ${v.ruleName}`),
  ]);

describe("CloudFormation's default rules (CDK built-in validation)", () => {
  it('pass on the default stack', () => {
    const { report } = validatedSynth(buildStack({ validate: true }));
    expect(report.title).toBe('Validation Report');
    expect(errorsIn(report)).toEqual([]);
  });

  it('pass on a stack with every optional part on (console, WAF, replication, lanes, policy wiring, fairness review, provisioned stream)', () => {
    const dir = testDir('audit-trail-cfn-validate-');
    writeFileSync(join(dir, 'managed.yaml'), MANAGED_POLICY_YAML);
    const built = buildStack({
      validate: true,
      configDir: dir,
      config: {
        console: { enabled: true },
        policyFile: 'managed.yaml',
        policyWiring: {
          comprehendPii: true,
          bedrockGuardrail: { id: 'abc123', version: '2' },
          hmacKeySecretArn:
            'arn:aws:secretsmanager:us-east-1:123456789012:secret:audit-hmac-AbCdEf',
        },
        lanesPerChain: { checkout: 8, 'checkout-batch': 1 },
        stream: { mode: 'provisioned', shardCount: 3 },
        alarmEmail: 'ops@example.com',
        archiveRetentionDays: 30,
        logName: 'audit.example.com/prod',
        processor: { reservedConcurrency: 5 },
        ...FAIRNESS_REVIEW,
        ...REPLICATION_AND_WAF,
      },
    });
    // Every optional part really is in this stack.
    expect(built.stack.console).toBeDefined();
    const { report, template } = validatedSynth(built);
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 3 });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 7 ? * TUE *)',
    });
    expect(report.title).toBe('Validation Report');
    expect(errorsIn(report)).toEqual([]);
  });
});
