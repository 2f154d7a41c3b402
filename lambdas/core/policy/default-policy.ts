import { loadPolicy } from './load-policy.ts';
import type { Policy } from './schema.ts';

/**
 * The policy that ships: structured PII, secrets, toxicity, prompt injection and the
 * decision-quality rules, documented in docs/POLICY.md. Kept as YAML text, exactly what a
 * user copies into a policy file to start from.
 */
export const DEFAULT_POLICY_YAML = `# Default policy of ai-audit-trail (docs/POLICY.md).
name: default
description: PII, secrets, toxicity, prompt injection and decision-quality checks.
options:
  store: raw
  snippet_context: 20
rules:
  - id: pii-credit-card
    name: Payment card number
    detector: credit-card
    action: block
    severity: high
    controls: [PCI-DSS-4.0:3.5.1, GDPR:Art-32, NIST-AI-RMF:MEASURE-2.10]
  - id: pii-us-ssn
    name: US social security number
    detector: us-ssn
    action: block
    severity: high
    controls: [GDPR:Art-32, NIST-AI-RMF:MEASURE-2.10]
  - id: pii-iban
    name: Bank account (IBAN)
    detector: iban
    action: flag
    severity: high
    controls: [GDPR:Art-32, NIST-AI-RMF:MEASURE-2.10]
  - id: pii-email
    name: E-mail address
    detector: email
    action: flag
    severity: medium
    controls: [GDPR:Art-5.1.c, NIST-AI-RMF:MEASURE-2.10]
  - id: pii-phone
    name: Phone number
    detector: phone
    action: flag
    severity: medium
    controls: [GDPR:Art-5.1.c, NIST-AI-RMF:MEASURE-2.10]
  - id: pii-ip-address
    name: IP address
    detector: ip-address
    action: flag
    severity: low
    controls: [GDPR:Art-5.1.c]
  - id: pii-person-name
    name: Person name
    description: Recorded and redacted when storing de-identified bodies; not a violation.
    detector: ner
    params: { entities: [PERSON] }
    action: pass
    severity: low
    controls: [GDPR:Art-5.1.c]
  - id: secret-aws-key
    name: AWS access key
    detector: aws-access-key
    action: block
    severity: critical
    controls: [NIST-AI-RMF:MEASURE-2.7, EU-AI-Act:Art-15]
  - id: secret-private-key
    name: Private key block
    detector: private-key
    action: block
    severity: critical
    controls: [NIST-AI-RMF:MEASURE-2.7, EU-AI-Act:Art-15]
  - id: secret-api-key
    name: Vendor API key
    detector: api-key
    action: block
    severity: critical
    controls: [NIST-AI-RMF:MEASURE-2.7, EU-AI-Act:Art-15]
  - id: secret-jwt
    name: JSON Web Token
    detector: jwt
    action: flag
    severity: high
    controls: [NIST-AI-RMF:MEASURE-2.7]
  - id: secret-bearer-token
    name: Bearer token
    detector: bearer-token
    action: flag
    severity: high
    controls: [NIST-AI-RMF:MEASURE-2.7]
  - id: secret-high-entropy
    name: High-entropy string
    detector: high-entropy
    action: flag
    severity: medium
    controls: [NIST-AI-RMF:MEASURE-2.7]
  - id: toxicity-output
    name: Toxic language in model output
    detector: toxicity
    applies_to: { fields: [output] }
    action: block
    severity: high
    controls: [NIST-AI-RMF:MEASURE-2.6, EU-AI-Act:Art-15]
  - id: toxicity-input
    name: Toxic language in user input
    detector: toxicity
    applies_to: { fields: [input] }
    action: flag
    severity: medium
    controls: [NIST-AI-RMF:MEASURE-2.6]
  - id: prompt-injection
    name: Prompt-injection attempt
    detector: prompt-injection
    applies_to: { fields: [input] }
    action: flag
    severity: high
    controls: [NIST-AI-RMF:MEASURE-2.7, EU-AI-Act:Art-15, OWASP-LLM:LLM01]
  - id: decision-reason-required
    name: A denial must carry a reason
    detector: required-field
    applies_to: { kinds: [decision] }
    params:
      path: output.reason
      when: { path: output.decision, in: [deny, denied, decline, declined, reject, rejected] }
    action: flag
    severity: medium
    controls: [EU-AI-Act:Art-13, EU-AI-Act:Art-86, GDPR:Art-22]
  - id: decision-low-confidence
    name: Low confidence goes to human review
    detector: threshold
    applies_to: { kinds: [decision] }
    params: { path: [confidence, output.confidence, metadata.confidence], below: 0.7 }
    action: flag
    severity: medium
    controls: [EU-AI-Act:Art-14, NIST-AI-RMF:MANAGE-2.4]
  - id: decision-reason-proxy
    name: Protected attribute or proxy in a decision reason
    detector: banned-phrases
    applies_to: { fields: [output.reason] }
    params:
      phrases: [zip code, postcode, postal code, age, date of birth, gender, sex, race,
        ethnicity, religion, marital status, pregnant, pregnancy, disability, national origin,
        nationality]
      entity: PROTECTED_ATTRIBUTE
    action: flag
    severity: high
    controls: [NIST-AI-RMF:MEASURE-2.11, EU-AI-Act:Art-10]
`;

/** The shipped default policy, validated. */
export const defaultPolicy = (): Policy => loadPolicy(DEFAULT_POLICY_YAML, 'default-policy');
