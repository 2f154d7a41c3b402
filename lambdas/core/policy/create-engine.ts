import { createHmac } from 'node:crypto';
import type { Finding, PolicyDecision, PolicyResult, RuleCheck } from '#core/chain/record.ts';
import type { NormalisedEvent } from '#core/events/event.ts';
import type { ManagedDetector, ManagedDetectors, ManagedMatch } from '#ports/managed-detector.ts';
import type { Inspection, PolicyEvaluation, RuntimePolicyEngine } from '#ports/policy-engine.ts';
import { failedCheck, failureFinding, storedCheck, withTimeout } from './checks.ts';
import type { AnyDetector } from './detector.ts';
import { DETECTORS, isManagedDetectorId } from './detectors/registry.ts';
import {
  classifyOverHttp,
  HTTP_CLASSIFIER_ID,
  type HttpClassifierParams,
  httpClassifierParams,
} from './http-classifier.ts';
import { MANAGED_PARAMS, ManagedDetectorUnavailableError } from './managed.ts';
import { applyMasks, type Mask, maskedSnippet, mergeMasks } from './mask.ts';
import { fieldMatcher } from './paths.ts';
import { redactBody, replaceDeep, standsAlone } from './redact-body.ts';
import type { Policy, PolicyRule } from './schema.ts';
import { policyVersion } from './version.ts';

/** Options of createPolicyEngine. */
export interface PolicyEngineOptions {
  /** Key of the keyed hash written as `value_hmac`; findings carry no hash without it. */
  readonly hmacKey?: Uint8Array;
  /** Managed detectors the deployment provides (AWS only). */
  readonly managed?: ManagedDetectors;
  /** The fetch `http-classifier` rules call (tests inject one). @default global fetch */
  readonly fetch?: typeof fetch;
}

/** A detector answered asynchronously (a managed service, an HTTP classifier). */
interface AsyncDetector {
  readonly target: 'managed';
  readonly detect: (
    text: string,
    params: unknown,
    direction: 'input' | 'output',
    signal: AbortSignal,
  ) => Promise<readonly ManagedMatch[]>;
}

// The engine's port types, still importable from here where the policy code reads them.
export type { Inspection, RuntimePolicyEngine } from '#ports/policy-engine.ts';

interface CompiledRule {
  readonly rule: PolicyRule;
  readonly params: unknown;
  readonly detector: AnyDetector | AsyncDetector;
  readonly fields: ((field: string) => boolean) | undefined;
  readonly redacts: boolean;
}

/** A span found by one rule in one field. */
interface Hit {
  readonly rule: CompiledRule;
  readonly field: string;
  readonly text: string;
  readonly match: ManagedMatch & { readonly canonical?: string };
}

const STRENGTH: Readonly<Record<PolicyDecision, number>> = { pass: 0, flag: 1, block: 2 };

/** The strongest of the actions (block > flag > pass); pass when there are none. */
export const strongestAction = (actions: Iterable<PolicyDecision>): PolicyDecision => {
  let best: PolicyDecision = 'pass';
  for (const a of actions) if (STRENGTH[a] > STRENGTH[best]) best = a;
  return best;
};

const managedDetector = (service: ManagedDetector): AsyncDetector => ({
  target: 'managed',
  detect: (text, params, direction) =>
    service.detect(text, params as Record<string, unknown>, direction),
});

const httpDetector = (fetchImpl: typeof fetch | undefined): AsyncDetector => ({
  target: 'managed',
  detect: (text, params, _direction, signal) =>
    classifyOverHttp(text, params as HttpClassifierParams, signal, fetchImpl),
});

const compile = (rule: PolicyRule, options: PolicyEngineOptions): CompiledRule => {
  const fields =
    rule.applies_to.fields === undefined ? undefined : rule.applies_to.fields.map(fieldMatcher);
  const matchesField = fields === undefined ? undefined : (f: string) => fields.some((m) => m(f));
  if (isManagedDetectorId(rule.detector)) {
    const id = rule.detector;
    const service = options.managed?.[id];
    if (service === undefined) throw new ManagedDetectorUnavailableError(id, rule.id);
    const params = MANAGED_PARAMS[id].parse(rule.params);
    return {
      rule,
      params,
      detector: managedDetector(service),
      fields: matchesField,
      redacts: rule.redact ?? true,
    };
  }
  if (rule.detector === HTTP_CLASSIFIER_ID) {
    return {
      rule,
      params: httpClassifierParams.parse(rule.params),
      detector: httpDetector(options.fetch),
      fields: matchesField,
      redacts: rule.redact ?? true,
    };
  }
  const detector = DETECTORS.get(rule.detector);
  if (detector === undefined)
    throw new Error(`unknown detector ${rule.detector}: load policies with loadPolicy`);
  const params = detector.params.parse(rule.params);
  const redacts = rule.redact ?? (detector.target === 'text' && detector.redacts);
  return { rule, params, detector, fields: matchesField, redacts };
};

/** Why a rule does not apply to an event; undefined when it does. */
const skipReason = (c: CompiledRule, event: NormalisedEvent): string | undefined => {
  const { kinds, use_cases } = c.rule.applies_to;
  if (kinds !== undefined && !kinds.includes(event.kind)) return 'kind';
  if (
    use_cases !== undefined &&
    (event.use_case === undefined || !use_cases.includes(event.use_case))
  )
    return 'use_case';
  return undefined;
};

/** What scanning an event's texts came to: spans, and each rule's check outcome. */
interface Scan {
  readonly hits: Hit[];
  /** Rule ids that inspected at least one text or the body. */
  readonly ran: Set<string>;
  /** Failed checks by rule id (first failure wins). */
  readonly failed: Map<string, RuleCheck>;
}

const directionOf = (field: string): 'input' | 'output' =>
  field.startsWith('input') ? 'input' : 'output';

/**
 * Builds the policy engine for a validated policy (see loadPolicy). Rules are compiled
 * once; evaluation runs every applicable rule over the event's texts and body, writes one
 * finding per detected span (masked snippet, keyed hash, no raw value), decides by the
 * strongest action, and with `store: redacted` returns a de-identified copy of the body.
 * Throws ManagedDetectorUnavailableError if a rule selects a managed detector not given.
 */
export const createPolicyEngine = (
  policy: Policy,
  options: PolicyEngineOptions = {},
): RuntimePolicyEngine => {
  const version = policyVersion(policy);
  const rules = policy.rules.filter((r) => r.enabled).map((r) => compile(r, options));
  const disabled: RuleCheck[] = policy.rules
    .filter((r) => !r.enabled)
    .map((r) => ({ rule_id: r.id, status: 'skipped', reason: 'disabled' }));
  const context = policy.options.snippet_context;
  const hmac = (value: string): string | undefined =>
    options.hmacKey === undefined
      ? undefined
      : createHmac('sha256', options.hmacKey).update(value).digest('hex');

  const scan = (
    event: NormalisedEvent,
    applicable: readonly CompiledRule[],
  ): { scan: Scan; pending: Promise<void>[] } => {
    const result: Scan = { hits: [], ran: new Set(), failed: new Map() };
    const pending: Promise<void>[] = [];
    const fail = (rule: CompiledRule, error: unknown): void => {
      if (!result.failed.has(rule.rule.id))
        result.failed.set(rule.rule.id, failedCheck(rule.rule, error));
    };
    for (const { field, text } of event.texts) {
      for (const rule of applicable) {
        if (rule.fields !== undefined && !rule.fields(field)) continue;
        const d = rule.detector;
        if (d.target === 'body') continue;
        result.ran.add(rule.rule.id);
        if (d.target === 'text') {
          try {
            for (const match of d.detect(text, rule.params))
              result.hits.push({ rule, field, text, match });
          } catch (error) {
            fail(rule, error);
          }
        } else {
          pending.push(
            withTimeout(rule.rule.timeout_ms, (signal) =>
              d.detect(text, rule.params, directionOf(field), signal),
            ).then(
              (ms) => {
                for (const match of ms) result.hits.push({ rule, field, text, match });
              },
              (error: unknown) => fail(rule, error),
            ),
          );
        }
      }
    }
    return { scan: result, pending };
  };

  const report = (
    event: NormalisedEvent,
    applicable: readonly CompiledRule[],
    skipped: readonly RuleCheck[],
    { hits, ran, failed }: Scan,
  ): Inspection => {
    // Every redacted value (and its canonical spelling) is masked wherever it occurs in any
    // inspected text, not only where its detector reported it: detectors that need context
    // (nine digits after `SSN`, a phone not after `order`) miss a repeated copy, which would
    // otherwise show in other findings' snippets and in the guardrail's redacted text.
    const replacements = new Map<string, string>();
    for (const h of hits) {
      const { start, end, entity, canonical } = h.match;
      if (!h.rule.redacts || start === undefined || end === undefined || end <= start) continue;
      const value = h.text.slice(start, end);
      if (!replacements.has(value)) replacements.set(value, entity);
      if (canonical !== undefined && canonical !== '' && !replacements.has(canonical))
        replacements.set(canonical, entity);
    }
    const masksByField = new Map<string, Mask[]>();
    if (replacements.size > 0) {
      for (const { field, text } of event.texts) {
        const masks: Mask[] = [];
        for (const [value, entity] of replacements) {
          for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) {
            if (standsAlone(text, at, at + value.length))
              masks.push({ start: at, end: at + value.length, entity });
          }
        }
        if (masks.length > 0) masksByField.set(field, masks);
      }
    }
    for (const h of hits) {
      const { start, end, entity } = h.match;
      if (!h.rule.redacts || start === undefined || end === undefined) continue;
      const list = masksByField.get(h.field) ?? [];
      list.push({ start, end, entity });
      masksByField.set(h.field, list);
    }
    for (const [field, masks] of masksByField) masksByField.set(field, mergeMasks(masks));
    const findings: Finding[] = [];
    for (const h of hits) {
      const { rule } = h.rule;
      const { start, end, entity } = h.match;
      const spanned = start !== undefined && end !== undefined;
      const value = spanned ? h.text.slice(start, end) : '';
      const valueHmac = spanned ? hmac(h.match.canonical ?? value) : undefined;
      findings.push({
        rule_id: rule.id,
        rule_name: rule.name,
        detector: rule.detector,
        entity,
        severity: rule.severity,
        action: rule.action,
        field: h.field,
        ...(spanned
          ? {
              start,
              end,
              snippet: maskedSnippet(
                h.text,
                { start, end, entity },
                masksByField.get(h.field) ?? [],
                context,
              ),
            }
          : {}),
        ...(valueHmac === undefined ? {} : { value_hmac: valueHmac }),
        controls: rule.controls,
      });
    }
    for (const rule of applicable) {
      const d = rule.detector;
      if (d.target !== 'body') continue;
      ran.add(rule.rule.id);
      let matches: ReturnType<typeof d.check>;
      try {
        matches = d.check(event.body, rule.params);
      } catch (error) {
        failed.set(rule.rule.id, failedCheck(rule.rule, error));
        continue;
      }
      for (const m of matches) {
        const { rule: r } = rule;
        findings.push({
          rule_id: r.id,
          rule_name: r.name,
          detector: r.detector,
          entity: m.entity,
          severity: r.severity,
          action: r.action,
          field: m.field,
          snippet: m.note,
          controls: r.controls,
        });
      }
    }
    const redacted = new Map<string, { original: string; redacted: string }>();
    for (const { field, text } of event.texts) {
      const masks = masksByField.get(field);
      if (masks !== undefined)
        redacted.set(field, { original: text, redacted: applyMasks(text, masks) });
    }
    const checks: RuleCheck[] = [...skipped];
    for (const rule of applicable) {
      const id = rule.rule.id;
      const failure = failed.get(id);
      if (failure !== undefined) {
        checks.push(failure);
        findings.push(...failureFinding(rule.rule, failure));
      } else if (ran.has(id)) checks.push({ rule_id: id, status: 'ran' });
      else checks.push({ rule_id: id, status: 'skipped', reason: 'no_field' });
    }
    return {
      decision: strongestAction(findings.map((f) => f.action)),
      findings,
      checks,
      redacted,
      replacements: [...replacements].map(([value, entity]) => ({ value, label: `[${entity}]` })),
    };
  };

  const inspect = (event: NormalisedEvent): Inspection | Promise<Inspection> => {
    const applicable: CompiledRule[] = [];
    const skipped: RuleCheck[] = [...disabled];
    for (const rule of rules) {
      const reason = skipReason(rule, event);
      if (reason === undefined) applicable.push(rule);
      else skipped.push({ rule_id: rule.rule.id, status: 'skipped', reason });
    }
    const { scan: scanned, pending } = scan(event, applicable);
    if (pending.length === 0) return report(event, applicable, skipped, scanned);
    // Failures are caught per check, so this never rejects: the event is always recorded.
    return Promise.all(pending).then(() => report(event, applicable, skipped, scanned));
  };

  const toEvaluation = (event: NormalisedEvent, inspection: Inspection): PolicyEvaluation => {
    const redact = policy.options.store === 'redacted';
    const clientReported =
      event.client_policy_checks === undefined
        ? {}
        : {
            client_reported: redact
              ? replaceDeep(event.client_policy_checks, inspection.replacements)
              : event.client_policy_checks,
          };
    const result: PolicyResult = {
      version,
      decision: inspection.decision,
      findings: inspection.findings,
      ...clientReported,
      // Every rule, in the guardrail's order; one that ran is its bare id (compact).
      checks: inspection.checks.map(storedCheck),
    };
    const body = redact
      ? redactBody(event.body, inspection.redacted, inspection.replacements)
      : event.body;
    return { result, body };
  };

  return {
    version,
    policy,
    inspect,
    evaluate: (event) => {
      const inspection = inspect(event);
      return inspection instanceof Promise
        ? inspection.then((i) => toEvaluation(event, i))
        : toEvaluation(event, inspection);
    },
  };
};
