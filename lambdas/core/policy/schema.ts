import * as z from 'zod';
import { RECORD_KINDS } from '#core/chain/record.ts';

/** Finding severities, lowest first. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
/** Rule actions; the decision is the strongest action of any finding. */
export const ACTIONS = ['pass', 'flag', 'block'] as const;

/** Where a rule applies; every given list must match (absent = any). */
export const appliesToSchema = z.strictObject({
  /** Record kinds, e.g. `[inference, decision]`. */
  kinds: z.array(z.enum(RECORD_KINDS)).min(1).optional(),
  /** Use cases as sent by the client (`use_case`). */
  use_cases: z.array(z.string().min(1)).min(1).optional(),
  /** Field patterns: `output.*`, `input.messages[*].content`, `output.reason`. */
  fields: z.array(z.string().min(1)).min(1).optional(),
});

/** One rule of a policy file. `params` are checked against the detector's own schema. */
export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-"'),
  name: z.string().min(1),
  description: z.string().default(''),
  applies_to: appliesToSchema.prefault({}),
  detector: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  action: z.enum(ACTIONS),
  severity: z.enum(SEVERITIES),
  /** Control ids the rule evidences, e.g. `NIST-AI-RMF:MEASURE-2.10`, `EU-AI-Act:Art-12`. */
  controls: z.array(z.string().min(1)).default([]),
  /** Replace detected spans in stored bodies and guardrail answers; default per detector. */
  redact: z.boolean().optional(),
  enabled: z.boolean().default(true),
  /** Fail mode when the detector throws or times out: the action its finding takes
   * (`pass` lists the failure in `checks` only). Default: `block` for a `block` rule,
   * otherwise `flag`. */
  on_error: z.enum(ACTIONS).optional(),
  /** Time an asynchronous detector (managed, `http-classifier`) gets per text. */
  timeout_ms: z.int().min(1).max(60_000).default(2000),
});

/** Policy-wide options. */
export const optionsSchema = z.strictObject({
  /** `redacted` stores bodies with detected values replaced by `[ENTITY]`. */
  store: z.enum(['raw', 'redacted']).default('raw'),
  /** Environment variable holding the HMAC key for `value_hmac`; never the key itself. */
  hmac_key_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
    .optional(),
  /** Characters of context each side of a finding's snippet. */
  snippet_context: z.int().min(0).max(200).default(20),
  /** Action for an event whose model matches no approved deployment of its use case
   * (`UNAPPROVED_MODEL`); `flag` when absent. */
  unapproved_model: z.enum(ACTIONS).optional(),
});

/** The policy file. */
export const policySchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  options: optionsSchema.prefault({}),
  rules: z.array(ruleSchema).min(1),
});

/** A validated policy with defaults applied: plain JSON data, hashed for its version. */
export type Policy = z.output<typeof policySchema>;
export type PolicyRule = z.output<typeof ruleSchema>;
export type PolicyAction = (typeof ACTIONS)[number];
