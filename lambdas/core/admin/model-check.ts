/**
 * UNAPPROVED_MODEL: once a use case has an approved deployment, each inference or decision
 * of that use case (guardrail calls aside: they name no model) is matched against the deployment active at the event's time (its
 * `occurred_at`, else now). A match is named in the envelope (`policy.deployment`); no
 * match adds an `UNAPPROVED_MODEL` finding with the policy's action for it (default
 * `flag`, so the event enters the review queue). The deployments are an in-memory view,
 * so the check costs a map look-up per event.
 */
import type { Finding, PolicyDecision, PolicyResult } from '#core/chain/record.ts';
import type { NormalisedEvent } from '#core/events/event.ts';
import type { ClockPort } from '#ports/clock.ts';
import type { PolicyEngine, PolicyEvaluation } from '#ports/policy-engine.ts';
import { type DeploymentView, deploymentRef, modelMatches } from './deployments.ts';

const STRENGTH: Readonly<Record<PolicyDecision, number>> = { pass: 0, flag: 1, block: 2 };

/** The finding an event from an unapproved model gets. */
export const unapprovedModelFinding = (
  event: NormalisedEvent,
  action: PolicyDecision,
  active: string | undefined,
): Finding => ({
  rule_id: 'deployment-approval',
  rule_name: 'Model approved for the use case',
  detector: 'deployments',
  entity: 'UNAPPROVED_MODEL',
  severity: 'high',
  action,
  field: 'model',
  snippet: `model ${event.model?.name ?? '(none)'}${event.model?.version === undefined ? '' : ` ${event.model.version}`} is not ${active === undefined ? 'approved' : `the approved deployment ${active}`} for use case ${event.use_case}`,
  controls: ['EU-AI-Act:Art-12', 'NIST-AI-RMF:GOVERN-1.4'],
});

const checked = (
  event: NormalisedEvent,
  result: PolicyResult,
  view: DeploymentView,
  action: PolicyDecision,
  clock: ClockPort,
): PolicyResult => {
  const useCase = event.use_case;
  if (useCase === undefined || !view.governs(useCase)) return result;
  if (event.kind !== 'inference' && event.kind !== 'decision') return result;
  // A guardrail call names no model (its request has no such field): nothing to match.
  if (event.source === 'guardrail') return result;
  const at =
    event.occurred_at === undefined ? clock.now().getTime() : Date.parse(event.occurred_at);
  const active = view.activeAt(useCase, Number.isNaN(at) ? clock.now().getTime() : at);
  if (active !== undefined && modelMatches(active, event.model)) {
    return { ...result, deployment: deploymentRef(active) };
  }
  const finding = unapprovedModelFinding(event, action, active?.deployment_id);
  return {
    ...result,
    decision: STRENGTH[action] > STRENGTH[result.decision] ? action : result.decision,
    findings: [...result.findings, finding],
  };
};

/** The processor's policy hook with the deployment check after the policy's own rules. */
export const withDeploymentCheck = (
  engine: PolicyEngine,
  view: DeploymentView,
  clock: ClockPort,
  action: PolicyDecision = 'flag',
): PolicyEngine => {
  const apply = (event: NormalisedEvent, e: PolicyEvaluation): PolicyEvaluation => {
    const result = checked(event, e.result, view, action, clock);
    return result === e.result ? e : { ...e, result };
  };
  return {
    version: engine.version,
    evaluate: (event) => {
      const out = engine.evaluate(event);
      return out instanceof Promise ? out.then((e) => apply(event, e)) : apply(event, out);
    },
  };
};
