import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_YAML, defaultPolicy } from '#core/policy/default-policy.ts';
import { loadPolicy, PolicyLoadError } from '#core/policy/load-policy.ts';
import { policyVersion } from '#core/policy/version.ts';

const rule = (extra: string): string => `name: t
rules:
  - id: r1
    name: Rule one
    detector: email
    action: flag
    severity: low
${extra}`;

// [case, policy text, expected issue {rule_id?, field, reason fragment}]
const BAD: readonly [string, string, { rule_id?: string; field: string; reason: RegExp }][] = [
  ['not YAML', 'name: [unclosed', { field: 'line 1', reason: /not YAML or JSON/ }],
  ['no rules', 'name: t\nrules: []', { field: 'rules', reason: /at least 1|>=1/i }],
  [
    'bad action',
    rule('').replace('action: flag', 'action: deny'),
    { rule_id: 'r1', field: 'action', reason: /block|flag|pass/ },
  ],
  [
    'bad severity',
    rule('').replace('severity: low', 'severity: extreme'),
    { rule_id: 'r1', field: 'severity', reason: /low/ },
  ],
  [
    'unknown detector',
    rule('').replace('detector: email', 'detector: telepathy'),
    { rule_id: 'r1', field: 'detector', reason: /unknown detector telepathy/ },
  ],
  ['typo in a rule key', rule('    contols: [X]'), { rule_id: 'r1', field: '', reason: /contols/ }],
  [
    'bad params',
    rule('    params: { regions: [usa] }').replace('detector: email', 'detector: phone'),
    { rule_id: 'r1', field: 'params.regions[0]', reason: /ISO 3166/ },
  ],
  [
    'bad regex',
    rule("    params: { pattern: '(' }").replace('detector: email', 'detector: regex'),
    { rule_id: 'r1', field: 'params.pattern', reason: /invalid regular expression/ },
  ],
  [
    'bad kind',
    rule('    applies_to: { kinds: [chat] }'),
    { rule_id: 'r1', field: 'applies_to.kinds[0]', reason: /inference/ },
  ],
  [
    'bad store',
    `${rule('')}options: { store: encrypted }\n`,
    { field: 'options.store', reason: /raw|redacted/ },
  ],
  [
    'key in the file',
    `${rule('')}options: { hmac_key_env: 'my secret key' }\n`,
    { field: 'options.hmac_key_env', reason: /environment variable/ },
  ],
  [
    'threshold without bound',
    rule('    params: { path: confidence }').replace('detector: email', 'detector: threshold'),
    { rule_id: 'r1', field: 'params.below', reason: /below or above/ },
  ],
];

describe('loadPolicy', () => {
  it.each(BAD)('rejects %s with file, rule, field and reason', (_name, text, expected) => {
    // Act
    const error = (() => {
      try {
        loadPolicy(text, 'policies/test.yaml');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    // Assess
    expect(error).toBeInstanceOf(PolicyLoadError);
    const e = error as PolicyLoadError;
    expect(e.message).toContain('policies/test.yaml');
    const issue = e.issues.find(
      (i) =>
        i.field === expected.field || (expected.field === '' && expected.reason.test(i.reason)),
    );
    expect(issue, JSON.stringify(e.issues)).toBeDefined();
    expect(issue?.rule_id).toBe(expected.rule_id);
    expect(issue?.reason).toMatch(expected.reason);
  });

  it('reports every problem of every rule in one pass', () => {
    const text = `name: t
options: { store: encrypted }
rules:
  - id: a
    name: A
    detector: email
    action: deny
    severity: low
  - id: b
    name: B
    detector: telepathy
    action: flag
    severity: low
  - id: c
    name: C
    detector: phone
    params: { regions: [usa] }
    action: flag
    severity: low
  - id: a
    name: A again
    detector: regex
    params: { pattern: '(' }
    action: flag
    severity: extreme
`;
    const error = (() => {
      try {
        loadPolicy(text, 'p.yaml');
      } catch (e) {
        return e as PolicyLoadError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PolicyLoadError);
    const found = (error?.issues ?? []).map((i) => `${i.rule_id ?? ''}:${i.field}`).sort();
    expect(found).toEqual(
      [
        ':options.store',
        'a:action',
        'a:severity',
        'a:id',
        'b:detector',
        'c:params.regions[0]',
        'a:params.pattern',
      ].sort(),
    );
  });

  it('names duplicate rule ids', () => {
    const text = `${rule('')}  - id: r1\n    name: again\n    detector: email\n    action: pass\n    severity: low\n`;
    expect(() => loadPolicy(text, 'p.yaml')).toThrow(/rule r1: id: duplicate rule id/);
  });

  it('reads JSON as well as YAML, with the same version', () => {
    const yaml = loadPolicy(rule(''), 'a.yaml');
    const json = loadPolicy(JSON.stringify({ rules: yaml.rules, name: 't' }), 'a.json');
    expect(policyVersion(json)).toBe(policyVersion(yaml));
  });

  it('changes the version when the meaning changes, not the formatting', () => {
    const base = policyVersion(loadPolicy(rule(''), 'a'));
    const reformatted = policyVersion(
      loadPolicy(`# comment\n${rule('').replace('name: t', 'name: "t"')}`, 'a'),
    );
    const changed = policyVersion(
      loadPolicy(rule('').replace('action: flag', 'action: block'), 'a'),
    );
    expect(reformatted).toBe(base);
    expect(changed).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('loads the shipped default policy', () => {
    const policy = defaultPolicy();
    expect(policy.rules.length).toBeGreaterThan(10);
    expect(DEFAULT_POLICY_YAML).toContain('pii-credit-card');
    expect(policy.options.store).toBe('raw');
  });
});
