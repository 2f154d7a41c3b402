import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_YAML, defaultPolicy } from '#core/policy/default-policy.ts';
import {
  AuditTrailConfigError,
  DEFAULT_RETENTION_DAYS,
  loadConfig,
  logNameOf,
  parseConfig,
  readPolicy,
  scheduleInterval,
} from '#lib/config.ts';
import { testDir } from '#test/infra/support.ts';

const context = (values: Record<string, unknown>) => ({
  tryGetContext: (key: string) => values[key],
});

describe('config defaults', () => {
  it('fills every field of an empty config', () => {
    const config = parseConfig({});
    expect(config).toEqual({
      retentionDays: DEFAULT_RETENTION_DAYS,
      retentionOverrides: [],
      archiveRetentionDays: 2557,
      checkpointSchedule: 'rate(5 minutes)',
      fairnessReviewSchedule: 'cron(0 6 ? * MON *)',
      protectedAttributes: expect.arrayContaining(['age', 'gender', 'disability']),
      fairnessReview: {
        positiveDecisions: expect.arrayContaining(['approve']),
        positiveOutcomes: expect.arrayContaining(['repaid']),
        minGroupSize: 30,
        useCases: [],
      },
      lanesPerChain: 1,
      stream: { mode: 'on-demand', retentionHours: 168 },
      witnesses: [],
      removalPolicy: 'retain',
      processor: {
        memoryMb: 512,
        batchSize: 100,
        maxBatchingWindowSeconds: 1,
        retryAttempts: 10_000,
        giveUpAfterMinutes: 60,
        maxRecordAgeHours: 24,
      },
      api: {
        rateLimit: 500,
        burstLimit: 1000,
        authorizerCacheSeconds: 0,
        waf: { enabled: false, ratePerIp: 3000, managedRules: true },
      },
      policyWiring: { comprehendPii: false },
      console: { enabled: false },
      security: { policyUpdates: 'cloudformation' },
    });
    expect(logNameOf(config, 'AuditTrail-Prod')).toBe('audit-trail.audittrail-prod');
  });

  it('keeps the defaults of the kinds a partial retention map leaves out', () => {
    const config = parseConfig({ retentionDays: { inference: 30 } });
    expect(config.retentionDays).toEqual({ ...DEFAULT_RETENTION_DAYS, inference: 30 });
  });
});

describe('config validation names the field', () => {
  it.each([
    [{ lanesPerChain: 0 }, 'lanesPerChain'],
    [{ api: { authorizerCacheSeconds: 3601 } }, 'api.authorizerCacheSeconds'],
    [{ api: { waf: { ratePerIp: 10 } } }, 'api.waf.ratePerIp'],
    [{ security: { policyUpdates: 'nobody' } }, 'security.policyUpdates'],
    [
      { security: { auditorReplication: { bucketArn: 'auditor' } } },
      'security.auditorReplication.bucketArn',
    ],
    [{ archiveRetentionDays: 0 }, 'archiveRetentionDays'],
    [{ retentionDays: { decision: 0 } }, 'retentionDays.decision'],
    [{ retentionDays: { decisions: 10 } }, 'retentionDays'],
    [{ checkpointSchedule: 'every 5 minutes' }, 'checkpointSchedule'],
    [{ fairnessReviewSchedule: 'cron(0 6 * *)' }, 'fairnessReviewSchedule'],
    [{ stream: { mode: 'provisioned' } }, 'stream.shardCount'],
    [{ stream: { mode: 'serverless' } }, 'stream.mode'],
    [{ alarmEmail: 'not-an-address' }, 'alarmEmail'],
    [{ logName: 'has space' }, 'logName'],
    [{ protectedAttributes: ['age', 'age'] }, 'protectedAttributes'],
    [{ removalPolicy: 'snapshot' }, 'removalPolicy'],
    [{ processor: { maxRecordAgeHours: 200 } }, 'processor.maxRecordAgeHours'],
    [
      { processor: { maxRecordAgeHours: 1, giveUpAfterMinutes: 60 } },
      'processor.giveUpAfterMinutes',
    ],
    [
      { stream: { mode: 'on-demand', retentionHours: 24 }, processor: { maxRecordAgeHours: 48 } },
      'processor.maxRecordAgeHours',
    ],
    [{ lanes: 2 }, '(root)'],
    [{ policyWiring: { hmacKeySecretArn: 'my-secret' } }, 'policyWiring.hmacKeySecretArn'],
    [{ policyWiring: { bedrockGuardrail: { id: 'Bad Id' } } }, 'policyWiring.bedrockGuardrail.id'],
  ])('%j → %s', (raw, field) => {
    expect(() => parseConfig(raw)).toThrow(AuditTrailConfigError);
    expect(() => parseConfig(raw)).toThrow(new RegExp(`\\n  ${field.replace(/[().]/g, '\\$&')}: `));
  });
});

describe('loading', () => {
  it('reads cdk.json context, as an object or a JSON string', () => {
    expect(loadConfig(context({ auditTrail: { lanesPerChain: 3 } })).lanesPerChain).toBe(3);
    expect(loadConfig(context({ auditTrail: '{"lanesPerChain": 2}' })).lanesPerChain).toBe(2);
    expect(() => loadConfig(context({ auditTrail: '{lanes' }))).toThrow(/not valid JSON/);
  });

  it('takes lanes per key prefix, each 1..64', () => {
    const lanes = { checkout: 8, '': 1 };
    expect(loadConfig(context({ auditTrail: { lanesPerChain: lanes } })).lanesPerChain).toEqual(
      lanes,
    );
    expect(() => parseConfig({ lanesPerChain: { checkout: 65 } })).toThrow(/lanesPerChain/);
    expect(() => parseConfig({ lanesPerChain: { checkout: 0 } })).toThrow(/lanesPerChain/);
  });

  it('overlays a config file named by context auditTrailConfigFile', () => {
    const dir = testDir('audit-trail-config-');
    writeFileSync(
      join(dir, 'prod.json'),
      JSON.stringify({ archiveRetentionDays: 3650, lanesPerChain: 4 }),
    );
    const config = loadConfig(
      context({
        auditTrail: { lanesPerChain: 2, alarmEmail: 'ops@example.com' },
        auditTrailConfigFile: 'prod.json',
      }),
      dir,
    );
    expect(config).toMatchObject({
      archiveRetentionDays: 3650,
      lanesPerChain: 4,
      alarmEmail: 'ops@example.com',
    });
    expect(() => loadConfig(context({ auditTrailConfigFile: 'missing.json' }), dir)).toThrow(
      /cannot read/,
    );
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ lanesPerChain: -1 }));
    expect(() => loadConfig(context({ auditTrailConfigFile: 'bad.json' }), dir)).toThrow(
      /bad\.json.*\n {2}lanesPerChain: /,
    );
  });

  it('reads a JSON or YAML policy file of any size, validated as the Lambdas load it', () => {
    const dir = testDir('audit-trail-policy-');
    writeFileSync(join(dir, 'p.json'), JSON.stringify(defaultPolicy()));
    writeFileSync(join(dir, 'p.yml'), DEFAULT_POLICY_YAML);
    writeFileSync(join(dir, 'bad.yml'), 'rules:\n  - id: pii\n');
    expect(readPolicy(parseConfig({}), dir)).toBeUndefined();
    const fromJson = readPolicy(parseConfig({ policyFile: 'p.json' }), dir) ?? '';
    expect(fromJson.length).toBeGreaterThan(4096);
    expect(readPolicy(parseConfig({ policyFile: 'p.yml' }), dir)).toBe(fromJson);
    expect(() => readPolicy(parseConfig({ policyFile: 'bad.yml' }), dir)).toThrow(
      /policyFile: .*bad\.yml/,
    );
    expect(() => readPolicy(parseConfig({ policyFile: 'none.json' }), dir)).toThrow(
      /policyFile: cannot read/,
    );
  });
});

describe('retention overrides', () => {
  it('accepts per use case and per chain rules, refusing unknown kinds', () => {
    const config = parseConfig({
      retentionOverrides: [{ kind: 'inference', useCase: 'triage', days: 30 }],
    });
    expect(config.retentionOverrides).toEqual([{ kind: 'inference', useCase: 'triage', days: 30 }]);
    expect(() => parseConfig({ retentionOverrides: [{ kind: 'nope', days: 1 }] })).toThrow(
      /retentionOverrides\.0\.kind/,
    );
  });

  it('refuses a stream that would keep raw bodies longer than the shortest body retention', () => {
    expect(() => parseConfig({ retentionOverrides: [{ kind: 'inference', days: 3 }] })).toThrow(
      /stream\.retentionHours: must not exceed the shortest body retention \(3 days\)/,
    );
    expect(
      parseConfig({
        retentionOverrides: [{ kind: 'inference', days: 3 }],
        stream: { mode: 'on-demand', retentionHours: 72 },
      }).stream.retentionHours,
    ).toBe(72);
  });
});

describe('scheduleInterval', () => {
  it.each([
    ['rate(5 minutes)', 300],
    ['rate(1 hour)', 3600],
    ['rate(2 days)', 172_800],
    ['cron(0 6 ? * MON *)', 86_400],
  ])('%s → %i s', (expression, seconds) => {
    expect(scheduleInterval(expression).toSeconds()).toBe(seconds);
  });
});
