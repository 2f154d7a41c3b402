/**
 * Who may do what. A role is a named set of permissions, so a later permission (an
 * `approver` who signs off erasures) is one more entry here, not a new branch in a handler.
 */

/** Everything a key can be allowed to do. */
export const PERMISSIONS = [
  /** Send events (ingest routes, the guardrail). */
  'write_events',
  /** Read records, search and the review queue, with bodies redacted by the policy. */
  'read_events',
  /** Read raw bodies, with a stated reason; every such read is itself recorded. */
  'read_raw',
  /** Record a verdict on a queued event. */
  'review',
  /** Create, list and revoke keys. */
  'manage_keys',
  /** Place and release legal holds, request erasures. */
  'govern_records',
  /** Produce the evidence package of a period (counts, heads, a verification). */
  'audit_reports',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The roles a key can carry, as permission sets. */
export const ROLES = {
  ingest: ['write_events'],
  reviewer: ['read_events', 'review'],
  auditor: ['read_events', 'read_raw', 'audit_reports'],
  admin: PERMISSIONS,
} as const satisfies Record<string, readonly Permission[]>;
export type Role = keyof typeof ROLES;

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && Object.hasOwn(ROLES, value);

/** The tenant of single-tenant installs and of the development key. */
export const DEFAULT_TENANT = 'default';

/** Tenant names: short, lower-case, safe in chain names and archive keys. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A chain scope that covers every chain of the tenant. */
export const ALL_CHAINS = '*';

/** Who is calling: the key that authenticated, its tenant, role and chain scope. */
export interface Principal {
  readonly key_id: string;
  readonly tenant: string;
  readonly role: Role;
  /** Chain-key prefixes the key may touch; `*` for all. */
  readonly chains: readonly string[];
}

/** What every hashed envelope says about who sent it. */
export interface Submitter {
  readonly key_id: string;
  readonly tenant: string;
}

export const submitterOf = (principal: Principal): Submitter => ({
  key_id: principal.key_id,
  tenant: principal.tenant,
});

/** True when the principal's role grants the permission. */
export const can = (principal: Principal, permission: Permission): boolean =>
  (ROLES[principal.role] as readonly Permission[]).includes(permission);

/** Chains whose names start with this are the product's own (access records, …); no
 * ingest key writes them. */
export const RESERVED_CHAIN_PREFIX = '_';

/** True when the (unqualified) chain key falls under one of the principal's prefixes. */
export const inScope = (principal: Principal, chainKey: string): boolean =>
  principal.chains.some((prefix) => prefix === ALL_CHAINS || chainKey.startsWith(prefix));
