/**
 * Deployments and their approvals on the admin chain. A pipeline records a deployment
 * (`deployment` record, status `pending_approval`); a principal with the `approve`
 * permission approves or rejects it (`approval` record pointing at it). An approved
 * deployment is active for its use case from its approval until a later approved
 * deployment of the same use case: one active deployment per use case at any instant.
 * DeploymentView keeps them in memory (read once from the chain, then updated by every
 * append through this module), so the processor checks each event's model without I/O.
 */
import { randomUUID } from 'node:crypto';
import type { Submitter } from '#core/access/roles.ts';
import type { DeploymentRef, LedgerRecord } from '#core/chain/record.ts';
import { AuditTrailError } from '#core/errors.ts';
import type { RecordWriterDeps } from '#core/pipeline/append-records.ts';
import { ADMIN_CHAIN, adminRecords, appendAdmin, stateHash } from './admin-chain.ts';
import { followChain } from './follow-chain.ts';

/** A refused deployment or approval request (400), or one naming nothing (404). */
export class DeploymentInputError extends AuditTrailError {
  override readonly name = 'DeploymentInputError';
  readonly code = 'invalid_request';
}
export class DeploymentNotFoundError extends AuditTrailError {
  override readonly name = 'DeploymentNotFoundError';
  readonly code = 'not_found';
}

export interface ModelRef {
  readonly provider?: string;
  readonly name: string;
  readonly version?: string;
}

/** The body of a `deployment` record: `POST /v1/deployments` as recorded. */
export interface DeploymentBody {
  readonly action: 'deployment.record';
  readonly deployment_id: string;
  readonly use_case: string;
  readonly model: ModelRef;
  readonly prompt_version?: string;
  readonly prompt_sha256?: string;
  readonly policy_version: string;
  readonly source?: Readonly<Record<string, string>>;
  readonly notes?: string;
  /** An `assessment` record the deployment cites (its assessment id). */
  readonly assessment_id?: string;
}

/** The body of an `approval` record. */
export interface ApprovalBody {
  readonly action: 'deployment.approve' | 'deployment.reject';
  readonly deployment_id: string;
  readonly decision: 'approve' | 'reject';
  readonly note: string;
  readonly before_sha256: string;
  readonly after_sha256: string;
}

export type DeploymentStatus = 'pending_approval' | 'approved' | 'rejected';

/** A deployment as the API shows it. */
export interface Deployment extends DeploymentBody {
  readonly status: DeploymentStatus;
  readonly recorded_at: string;
  readonly recorded_by?: Submitter;
  readonly record: { readonly chain: string; readonly seq: number };
  readonly decided_at?: string;
  readonly decided_by?: Submitter;
  readonly note?: string;
}

/** What a deployment's approval changes: its status (hashed before and after). */
const statusState = (d: Pick<Deployment, 'deployment_id' | 'status'>) => ({
  deployment_id: d.deployment_id,
  status: d.status,
});

/** Deployments by id, per use case in approval order; kept current by `apply`. */
export interface DeploymentView {
  get(id: string): Deployment | undefined;
  list(useCase?: string): Deployment[];
  /** The approved deployment of a use case active at an instant (ISO or ms). */
  activeAt(useCase: string, at: string | number): Deployment | undefined;
  /** Whether a use case has any approved deployment (then events are checked). */
  governs(useCase: string): boolean;
  apply(record: LedgerRecord): void;
}

export const createDeploymentView = (): DeploymentView => {
  const byId = new Map<string, Deployment>();
  /** Approved deployments per use case, by approval time ascending. */
  const approved = new Map<string, { at: number; deployment: Deployment }[]>();
  const apply = (r: LedgerRecord): void => {
    if (r.kind === 'deployment') {
      const body = r.body as DeploymentBody;
      // Applied already (by the append that wrote it, then read back by `followDeploymentView`).
      if (byId.get(body.deployment_id)?.record.seq === r.seq) return;
      byId.set(body.deployment_id, {
        ...body,
        status: 'pending_approval',
        recorded_at: r.ingested_at,
        ...(r.submitter === undefined ? {} : { recorded_by: r.submitter }),
        record: { chain: r.chain, seq: r.seq },
      });
    } else if (r.kind === 'approval') {
      const body = r.body as ApprovalBody;
      const d = byId.get(body.deployment_id);
      if (d === undefined || d.status !== 'pending_approval') return;
      const decided: Deployment = {
        ...d,
        status: body.decision === 'approve' ? 'approved' : 'rejected',
        decided_at: r.ingested_at,
        ...(r.submitter === undefined ? {} : { decided_by: r.submitter }),
        note: body.note,
      };
      byId.set(d.deployment_id, decided);
      if (decided.status === 'approved') {
        const list = approved.get(d.use_case) ?? [];
        list.push({ at: Date.parse(r.ingested_at), deployment: decided });
        list.sort((a, b) => a.at - b.at);
        approved.set(d.use_case, list);
      }
    }
  };
  return {
    get: (id) => byId.get(id),
    list: (useCase) =>
      [...byId.values()].filter((d) => useCase === undefined || d.use_case === useCase),
    governs: (useCase) => approved.has(useCase),
    activeAt: (useCase, at) => {
      const t = typeof at === 'number' ? at : Date.parse(at);
      let active: Deployment | undefined;
      for (const entry of approved.get(useCase) ?? []) {
        if (entry.at <= t) active = entry.deployment;
        else break;
      }
      return active;
    },
    apply,
  };
};

/** Builds the view from the admin chain. */
export const loadDeploymentView = async (
  ledger: RecordWriterDeps['ledger'],
  view: DeploymentView = createDeploymentView(),
): Promise<DeploymentView> => {
  for await (const r of adminRecords(ledger)) view.apply(r);
  return view;
};

/** A view that follows the admin chain for a long-lived process whose chain other writers
 * append to (an AWS route Lambda): each call reads the head, then only the records appended
 * since the call before (the appends the view applied itself are read back and left as they
 * are), instead of the whole chain per request. */
export const followDeploymentView = (
  ledger: RecordWriterDeps['ledger'],
): (() => Promise<DeploymentView>) => followChain(ledger, ADMIN_CHAIN, createDeploymentView());

const text = (value: unknown, field: string, max = 1024): string => {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new DeploymentInputError(
      `${field} must be a non-empty string (at most ${max} characters)`,
    );
  }
  return value;
};

const optionalText = (value: unknown, field: string, max = 1024): string | undefined =>
  value === undefined ? undefined : text(value, field, max);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Input of `POST /v1/deployments`. */
export type DeploymentInput = Omit<
  DeploymentBody,
  'action' | 'deployment_id' | 'policy_version'
> & {
  readonly policy_version?: string;
};

/** Checks a deployment request. Throws DeploymentInputError. */
export const parseDeploymentInput = (raw: unknown): DeploymentInput => {
  if (!isObject(raw)) throw new DeploymentInputError('send a JSON object');
  const allowed = [
    'use_case',
    'model',
    'prompt_version',
    'prompt_sha256',
    'policy_version',
    'source',
    'notes',
    'assessment_id',
  ];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw new DeploymentInputError(`${key} is not a deployment field`);
  }
  if (!isObject(raw.model))
    throw new DeploymentInputError('model must be {provider, name, version}');
  const model: ModelRef = {
    ...(raw.model.provider === undefined
      ? {}
      : { provider: text(raw.model.provider, 'model.provider') }),
    name: text(raw.model.name, 'model.name'),
    ...(raw.model.version === undefined
      ? {}
      : { version: text(raw.model.version, 'model.version') }),
  };
  if (raw.prompt_sha256 !== undefined && !/^[0-9a-f]{64}$/.test(String(raw.prompt_sha256))) {
    throw new DeploymentInputError('prompt_sha256 must be 64 lower-case hex digits');
  }
  let source: Record<string, string> | undefined;
  if (raw.source !== undefined) {
    if (!isObject(raw.source))
      throw new DeploymentInputError('source must be an object of strings');
    source = Object.fromEntries(
      Object.entries(raw.source).map(([k, v]) => [k, text(v, `source.${k}`)]),
    );
  }
  const optional = (key: string, value: string | undefined) =>
    value === undefined ? {} : { [key]: value };
  return {
    use_case: text(raw.use_case, 'use_case', 256),
    model,
    ...optional('prompt_version', optionalText(raw.prompt_version, 'prompt_version')),
    ...optional('prompt_sha256', raw.prompt_sha256 as string | undefined),
    ...optional('policy_version', optionalText(raw.policy_version, 'policy_version')),
    ...(source === undefined ? {} : { source }),
    ...optional('notes', optionalText(raw.notes, 'notes', 4096)),
    ...optional('assessment_id', optionalText(raw.assessment_id, 'assessment_id')),
  };
};

export interface DeploymentDeps extends RecordWriterDeps {
  readonly deployments: DeploymentView;
  /** The version of the policy in force, the default of `policy_version`. */
  readonly policyVersion: string;
}

/** Records a deployment, pending approval. */
export const recordDeployment = async (
  input: DeploymentInput,
  actor: Submitter | undefined,
  deps: DeploymentDeps,
): Promise<Deployment> => {
  const body: DeploymentBody = {
    action: 'deployment.record',
    deployment_id: `dep_${randomUUID()}`,
    ...input,
    policy_version: input.policy_version ?? deps.policyVersion,
  };
  const { appended } = await appendAdmin(
    [{ kind: 'deployment', event_id: body.deployment_id, body, actor }],
    deps,
  );
  for (const r of appended) deps.deployments.apply(r);
  return deps.deployments.get(body.deployment_id) as Deployment;
};

/** Checks an approval request. Throws DeploymentInputError. */
export const parseApprovalInput = (
  raw: unknown,
): { decision: 'approve' | 'reject'; note: string } => {
  if (!isObject(raw)) throw new DeploymentInputError('send a JSON object');
  if (raw.decision !== 'approve' && raw.decision !== 'reject') {
    throw new DeploymentInputError('decision must be approve or reject');
  }
  return { decision: raw.decision, note: text(raw.note, 'note', 4096) };
};

/** Approves or rejects a pending deployment. A decided one is refused (400). */
export const decideDeployment = async (
  deploymentId: string,
  input: { decision: 'approve' | 'reject'; note: string },
  actor: Submitter | undefined,
  deps: DeploymentDeps,
): Promise<Deployment> => {
  const d = deps.deployments.get(deploymentId);
  if (d === undefined) throw new DeploymentNotFoundError(`no deployment ${deploymentId}`);
  if (d.status !== 'pending_approval') {
    throw new DeploymentInputError(`deployment ${deploymentId} is already ${d.status}`);
  }
  const after: DeploymentStatus = input.decision === 'approve' ? 'approved' : 'rejected';
  const body: ApprovalBody = {
    action: input.decision === 'approve' ? 'deployment.approve' : 'deployment.reject',
    deployment_id: deploymentId,
    decision: input.decision,
    note: input.note,
    before_sha256: stateHash(statusState(d)),
    after_sha256: stateHash({ deployment_id: deploymentId, status: after }),
  };
  const { appended } = await appendAdmin(
    [
      {
        kind: 'approval',
        event_id: `approval:${deploymentId}`,
        body,
        actor,
        ref: { event_id: deploymentId, chain: d.record.chain, seq: d.record.seq },
      },
    ],
    deps,
  );
  for (const r of appended) deps.deployments.apply(r);
  return deps.deployments.get(deploymentId) as Deployment;
};

/** The model an event names, as the normaliser reads it. */
export interface EventModel {
  readonly name?: string;
  readonly version?: string;
}

/** Whether an event's model is the deployment's: the same name, and the same version when
 * both name one. */
export const modelMatches = (deployment: Deployment, model: EventModel | undefined): boolean =>
  model?.name !== undefined &&
  model.name === deployment.model.name &&
  (model.version === undefined ||
    deployment.model.version === undefined ||
    model.version === deployment.model.version);

/** The reference an envelope carries to its deployment. */
export const deploymentRef = (d: Deployment): DeploymentRef => ({
  deployment_id: d.deployment_id,
  seq: d.record.seq,
});
