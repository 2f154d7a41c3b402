import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditTrailConfigError } from '#lib/config.ts';
import { applyNag } from '#lib/nag.ts';
import { buildStack, MANAGED_POLICY_YAML, templateOf } from '#test/infra/support.ts';

const dir = mkdtempSync(join(tmpdir(), 'audit-trail-policy-wiring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, 'managed.yaml'), MANAGED_POLICY_YAML);

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:audit-hmac-AbCdEf';

describe('a policy whose managed detectors or HMAC key the stack must wire', () => {
  it('fails synth naming every need left unwired', () => {
    const build = () => buildStack({ config: { policyFile: 'managed.yaml' }, configDir: dir });
    expect(build).toThrow(AuditTrailConfigError);
    expect(build).toThrow(/comprehend-pii: set policyWiring.comprehendPii/);
    expect(build).toThrow(/bedrock-guardrail: set policyWiring.bedrockGuardrail.id/);
    expect(build).toThrow(/hmac_key_env names AUDIT_HMAC_KEY: set policyWiring.hmacKeySecretArn/);
  });

  it('wires them into every function that evaluates the policy when configured, cdk-nag clean', () => {
    const { app, stack } = buildStack({
      config: {
        policyFile: 'managed.yaml',
        policyWiring: {
          comprehendPii: true,
          bedrockGuardrail: { id: 'abc123', version: '2' },
          hmacKeySecretArn: SECRET,
        },
      },
      configDir: dir,
    });
    const template = templateOf(stack);
    const wired = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.Environment?.Variables?.BEDROCK_GUARDRAIL_ID === 'abc123',
    );
    // processor, failure-queue consumer, guardrail
    expect(wired).toHaveLength(3);
    for (const fn of wired) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        BEDROCK_GUARDRAIL_VERSION: '2',
        AUDIT_HMAC_KEY: `{{resolve:secretsmanager:${SECRET}:SecretString:::}}`,
      });
    }
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((p) =>
      JSON.stringify(p.Properties.PolicyDocument),
    );
    expect(policies.filter((p) => p.includes('comprehend:DetectPiiEntities'))).toHaveLength(3);
    const guardrailGrants = policies.filter(
      (p) =>
        p.includes('"bedrock:ApplyGuardrail"') &&
        p.includes(':bedrock:us-east-1:123456789012:guardrail/abc123'),
    );
    expect(guardrailGrants).toHaveLength(3);
    const reports = applyNag(app).map((pack) => pack.validateScope(app));
    const findings = reports.flatMap((r) =>
      r.violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((x) => x.constructPath).join(', ')}`,
      ),
    );
    expect(findings).toEqual([]);
  });
});
