import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_YAML } from '#core/policy/default-policy.ts';
import { buildStack, templateOf } from '#test/infra/support.ts';

/** The processor's and the guardrail's bundled code, found by their descriptions. */
const bundles = (assemblyDir: string, template: ReturnType<typeof templateOf>) =>
  Object.values(template.findResources('AWS::Lambda::Function'))
    .filter((fn) => /Kinesis to policy|guardrails\/evaluate/.test(fn.Properties.Description))
    .map((fn) => {
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      return readFileSync(join(assemblyDir, `asset.${hash}`, 'index.mjs'), 'utf8');
    });

describe('a policy file larger than a Lambda environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-trail-policy-bundle-'));
  let code: string[];
  let template: ReturnType<typeof templateOf>;

  beforeAll(() => {
    // The default policy, edited: well over the 4 KB a Lambda environment holds.
    writeFileSync(
      join(dir, 'policy.yaml'),
      DEFAULT_POLICY_YAML.replace('id: pii-credit-card', 'id: our-card-rule'),
    );
    const { app, stack } = buildStack({
      bundle: true,
      config: { policyFile: 'policy.yaml' },
      configDir: dir,
    });
    template = templateOf(stack);
    code = bundles(app.synth().directory, template);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is compiled into the processor and guardrail bundles, not the environment', () => {
    expect(code).toHaveLength(2);
    for (const bundle of code) expect(bundle).toContain('our-card-rule');
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    for (const fn of functions) {
      expect(JSON.stringify(fn.Properties.Environment ?? {})).not.toContain('our-card-rule');
    }
  });
});
