/**
 * The route Lambdas of the governance, change-governance and report routes: each
 * permission group on its own function, answering exactly its routes, whose role can do
 * its own thing and nothing else (template assertions on the synthesized stack).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CHAIN } from '#core/admin/admin-chain.ts';
import { routeSpec } from '#core/api/routes.ts';
import { SUBJECT_ID_KEY } from '#core/retention/subjects.ts';
import type { AdminRouteGroup, AuditTrailStack } from '#lib/audit-trail-stack.ts';
import {
  actionsOf,
  buildStack,
  functionStatements,
  type PolicyStatement as Statement,
  templateOf,
} from '#test/infra/support.ts';

let stack: AuditTrailStack;
let template: Template;
beforeAll(() => {
  stack = buildStack().stack;
  template = templateOf(stack);
});

const logicalId = (group: AdminRouteGroup): string =>
  stack.getLogicalId(stack.adminRoutes[group].node.defaultChild as CfnFunction);

/** The statements of a function's role, minus the tracing and logging every one has. */
const statementsOf = (group: AdminRouteGroup): Statement[] =>
  functionStatements(template, logicalId(group)).filter(
    (st) => !actionsOf([st]).every((a) => a.startsWith('xray:')),
  );
/** Statements with an action, on resources whose reference names `resource`. */
const on = (statements: readonly Statement[], action: string, resource: RegExp) =>
  statements.filter(
    (st) => actionsOf([st]).includes(action) && resource.test(JSON.stringify(st.Resource)),
  );
const leadingKeys = (st: Statement): unknown =>
  Object.values(st.Condition ?? {}).find((c) => 'dynamodb:LeadingKeys' in c)?.[
    'dynamodb:LeadingKeys'
  ];

const GROUPS: readonly [AdminRouteGroup, readonly string[]][] = [
  ['Governance', ['post_legal_hold', 'delete_legal_hold', 'post_erasure_request']],
  ['Deployments', ['post_deployment', 'post_assessment']],
  ['Approvals', ['post_approval']],
  ['AdminEvents', ['list_admin_events']],
  ['Evidence', ['evidence_report']],
];

describe('route Lambdas of the governance and report routes', () => {
  it.each(GROUPS)('mounts exactly its routes on %s, behind the authorizer', (group, routes) => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) =>
      JSON.stringify(m.Properties.Integration?.Uri ?? '').includes(logicalId(group)),
    );
    expect(methods.map((m) => m.Properties.HttpMethod).sort()).toEqual(
      routes.map((r) => routeSpec(r as Parameters<typeof routeSpec>[0]).method).sort(),
    );
    for (const m of methods) expect(m.Properties.AuthorizationType).toBe('CUSTOM');
  });

  it('lets no route Lambda scan, delete, update a record or put on the stream', () => {
    for (const [group] of GROUPS) {
      const statements = statementsOf(group);
      const actions = actionsOf(statements);
      for (const forbidden of ['dynamodb:Scan', 'dynamodb:DeleteItem', 's3:DeleteObject']) {
        expect(actions, group).not.toContain(forbidden);
      }
      expect(
        actions.filter((a) => a.startsWith('kinesis:')),
        group,
      ).toEqual([]);
      for (const st of on(statements, 'dynamodb:UpdateItem', /Ledger/)) {
        expect(leadingKeys(st), group).toEqual([' meta#*']);
      }
    }
  });

  it.each([
    ['Governance', ['hold_', 'release:', 'er_']],
    ['Deployments', ['dep_', 'asm_']],
    ['Approvals', ['approval:']],
  ] as const)('lets %s append to the admin chain only, with its own event ids', (group, ids) => {
    const puts = on(statementsOf(group), 'dynamodb:PutItem', /Ledger/);
    expect(puts).toHaveLength(1);
    expect(leadingKeys(puts[0] as Statement)).toEqual([
      ADMIN_CHAIN,
      ` meta#${ADMIN_CHAIN}`,
      ...ids.map((id) => `evt#${id}*`),
    ]);
  });

  it('lets the deployment and approval routes read the admin chain alone', () => {
    for (const group of ['Deployments', 'Approvals', 'AdminEvents'] as const) {
      const reads = on(statementsOf(group), 'dynamodb:Query', /Ledger/);
      expect(reads.length, group).toBeGreaterThan(0);
      for (const st of reads) {
        expect(leadingKeys(st), group).toEqual([ADMIN_CHAIN, ` meta#${ADMIN_CHAIN}`, 'evt#*']);
      }
    }
  });

  it('lets the admin-events route write nothing', () => {
    const actions = actionsOf(statementsOf('AdminEvents'));
    expect(actions.filter((a) => /^dynamodb:(Put|Update|ConditionCheck)/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  it('lets only the hold route set S3 Object Lock legal holds', () => {
    for (const [group] of GROUPS) {
      expect(actionsOf(statementsOf(group)).includes('s3:PutObjectLegalHold'), group).toBe(
        group === 'Governance',
      );
    }
  });

  it('gives the hold route the subject-hash secret and no other body key', () => {
    const keys = on(statementsOf('Governance'), 'dynamodb:GetItem', /PurgeKeys/);
    expect(keys).toHaveLength(1);
    expect(leadingKeys(keys[0] as Statement)).toEqual([SUBJECT_ID_KEY]);
    for (const group of ['Deployments', 'Approvals', 'AdminEvents'] as const) {
      expect(JSON.stringify(statementsOf(group)), group).not.toMatch(/PurgeKeys/);
    }
  });

  it('lets the evidence route read the archive and the body keys, and write nothing', () => {
    const statements = statementsOf('Evidence');
    const actions = actionsOf(statements);
    expect(actions).toContain('s3:GetObject');
    expect(actions.filter((a) => /^s3:Put|^dynamodb:(Put|Update)/.test(a))).toEqual([]);
    expect(JSON.stringify(statements)).not.toMatch(/Ledger/);
    expect(on(statements, 'dynamodb:GetItem', /PurgeKeys/)).toHaveLength(1);
  });
});
