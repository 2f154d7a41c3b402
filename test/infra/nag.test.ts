import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyNag } from '#lib/nag.ts';
import { acknowledgements, buildStack, testDir } from '#test/infra/support.ts';

describe('cdk-nag on the real stack', () => {
  let app: App;
  let reports: { pack: string; report: PolicyValidationPluginReport }[];

  beforeAll(() => {
    ({ app } = buildStack());
    const packs = applyNag(app);
    reports = packs.map((pack) => ({ pack: pack.readPackName, report: pack.validateScope(app) }));
  });

  it('runs AwsSolutions, NIST 800-53 R5 and HIPAA Security', () => {
    expect(reports.map((r) => r.pack).sort()).toEqual([
      'AwsSolutions',
      'HIPAA.Security',
      'NIST.800.53.R5',
    ]);
  });

  it.each(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security'])(
    '%s reports no unacknowledged finding',
    (pack) => {
      const report = reports.find((r) => r.pack === pack)?.report;
      const findings = (report?.violations ?? []).map(
        (v) =>
          `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      );
      expect(findings).toEqual([]);
      expect(report?.success).toBe(true);
    },
  );

  it('gives every acknowledgement a reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(10);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(40);
    }
  });

  it('acknowledges only rules of the three packs, each on a specific construct', () => {
    for (const { id, path } of acknowledgements(app)) {
      expect(id, path).toMatch(/^(Annotation::)?(AwsSolutions|NIST\.800\.53\.R5|HIPAA\.Security)-/);
      expect(path, id).not.toBe('AuditTrail');
    }
  });

  it('lets the app synthesize with the packs registered (synth fails on findings)', () => {
    expect(() => app.synth()).not.toThrow();
  });
});

describe('cdk-nag on the fully configured stack (policy, guardrail, lanes, provisioned)', () => {
  it('reports no unacknowledged finding in any pack', () => {
    const dir = testDir('audit-trail-nag-');
    writeFileSync(
      join(dir, 'policy.json'),
      JSON.stringify({
        name: 'minimal',
        rules: [
          { id: 'card', name: 'Card', detector: 'credit-card', action: 'block', severity: 'high' },
        ],
      }),
    );
    const { app } = buildStack({
      config: {
        policyFile: 'policy.json',
        lanesPerChain: 2,
        stream: { mode: 'provisioned', shardCount: 2 },
        alarmEmail: 'ops@example.com',
        processor: { reservedConcurrency: 5 },
      },
      configDir: dir,
    });
    const findings = applyNag(app).flatMap((pack) =>
      pack
        .validateScope(app)
        .violations.map(
          (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
        ),
    );
    expect(findings).toEqual([]);
  });
});
