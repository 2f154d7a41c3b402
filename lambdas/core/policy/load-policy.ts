import { parse, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { AuditTrailError } from '#core/errors.ts';
import { formatPath } from '#core/events/problem.ts';
import { DETECTORS, isManagedDetectorId, MANAGED_DETECTOR_IDS } from './detectors/registry.ts';
import { HTTP_CLASSIFIER_ID, httpClassifierParams } from './http-classifier.ts';
import { MANAGED_PARAMS } from './managed.ts';
import { type Policy, policySchema } from './schema.ts';

/** One problem found while loading a policy. */
export interface PolicyIssue {
  /** The rule's id, when the problem is inside a rule that has one. */
  readonly rule_id?: string;
  /** Dotted path of the offending field, relative to the rule when `rule_id` is set. */
  readonly field: string;
  readonly reason: string;
}

/** Raised by loadPolicy; the message names the file, rule, field and reason of each issue. */
export class PolicyLoadError extends AuditTrailError {
  readonly code = 'policy_load';
  override readonly name = 'PolicyLoadError';
  readonly source: string;
  readonly issues: readonly PolicyIssue[];
  constructor(source: string, issues: readonly PolicyIssue[]) {
    super(
      `invalid policy ${source}:\n${issues
        .map(
          (i) =>
            `  ${i.rule_id === undefined ? '' : `rule ${i.rule_id}: `}${i.field || '(root)'}: ${i.reason}`,
        )
        .join('\n')}`,
    );
    this.source = source;
    this.issues = issues;
  }
}

/** The id of `rules[index]` in the raw document, if it has one. */
const ruleIdAt = (doc: unknown, index: number): string => {
  const rules = (doc as { rules?: unknown } | null)?.rules;
  const id = Array.isArray(rules) ? (rules[index] as { id?: unknown } | undefined)?.id : undefined;
  return typeof id === 'string' ? id : `#${index}`;
};

const issuesOf = (
  error: z.ZodError,
  doc: unknown,
  prefix: readonly PropertyKey[] = [],
): PolicyIssue[] =>
  error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    if (path[0] === 'rules' && typeof path[1] === 'number') {
      return {
        rule_id: ruleIdAt(doc, path[1]),
        field: formatPath(path.slice(2)),
        reason: issue.message,
      };
    }
    return { field: formatPath(path), reason: issue.message };
  });

const paramsSchemaOf = (detector: string): z.ZodType<unknown> | undefined =>
  DETECTORS.get(detector)?.params ??
  (isManagedDetectorId(detector) ? MANAGED_PARAMS[detector] : undefined) ??
  (detector === HTTP_CLASSIFIER_ID ? httpClassifierParams : undefined);

/**
 * Parses a policy file (YAML or JSON) and validates it: the document's shape, unique rule
 * ids, known detectors and each rule's `params` against its detector's schema. Throws
 * PolicyLoadError listing every problem, each with rule id, field and reason.
 */
export const loadPolicy = (text: string, source: string): Policy => {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos?.[0] ? `line ${e.linePos[0].line}` : '';
    throw new PolicyLoadError(source, [
      { field: where, reason: `not YAML or JSON: ${(e as Error).message.split('\n')[0]}` },
    ]);
  }
  // Every problem in one pass: the document's shape, then each rule's id, detector and
  // params, also when the shape check failed elsewhere (a bad action in one rule does not
  // hide an unknown detector in another).
  const parsed = policySchema.safeParse(doc);
  const issues: PolicyIssue[] = parsed.success ? [] : issuesOf(parsed.error, doc);
  const rawRules = (doc as { rules?: unknown } | null)?.rules;
  const rules: readonly unknown[] = parsed.success
    ? parsed.data.rules
    : Array.isArray(rawRules)
      ? rawRules
      : [];
  const seen = new Set<string>();
  rules.forEach((raw, i) => {
    if (raw === null || typeof raw !== 'object') return;
    const {
      id,
      detector,
      params = {},
    } = raw as { id?: unknown; detector?: unknown; params?: unknown };
    const ruleId = typeof id === 'string' ? id : `#${i}`;
    if (typeof id === 'string') {
      if (seen.has(id)) issues.push({ rule_id: id, field: 'id', reason: 'duplicate rule id' });
      seen.add(id);
    }
    if (typeof detector !== 'string' || detector === '') return; // reported by the shape check
    const schema = paramsSchemaOf(detector);
    if (schema === undefined) {
      const known = [...DETECTORS.keys(), ...MANAGED_DETECTOR_IDS, HTTP_CLASSIFIER_ID].join(', ');
      issues.push({
        rule_id: ruleId,
        field: 'detector',
        reason: `unknown detector ${detector} (known: ${known})`,
      });
      return;
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) return;
    const checked = schema.safeParse(params);
    if (!checked.success) issues.push(...issuesOf(checked.error, doc, ['rules', i, 'params']));
  });
  if (issues.length > 0 || !parsed.success) throw new PolicyLoadError(source, issues);
  return parsed.data;
};
