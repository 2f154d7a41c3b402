/**
 * cdk-nag wiring, shared by bin/app.ts and the infra tests. cdk-nag 3 packs are CDK policy
 * validation plugins: they run when the app synthesizes and fail it on unacknowledged
 * errors. Acknowledgements live next to the resources they concern (`Validations.of(x)
 * .acknowledge({ id, reason })` in lib/constructs/).
 */
import { type App, Stack, Validations } from 'aws-cdk-lib';
import type { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack, NIST80053R5Checks } from 'cdk-nag';
// cdk-nag's own flattening, so acknowledged ids match the findings it reports.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** The rule packs the stack must pass. */
export function nagPacks(app: App): NagPack[] {
  return [new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new HIPAASecurityChecks(app)];
}

/** Registers the packs on the app; returns them (tests call `validateScope` on them). */
export function applyNag(app: App): NagPack[] {
  const packs = nagPacks(app);
  Validations.of(app).addPlugins(...packs);
  return packs;
}

/** The packs whose rules share names (the same check in NIST 800-53 R5 and HIPAA Security). */
const SHARED_RULE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security'] as const;
const PACK_PREFIX = /^(AwsSolutions|NIST\.800\.53\.R5|HIPAA\.Security)-/;

/**
 * Acknowledges rules on `scope` with one reason. A bare rule name (`LambdaDLQ`) stands for
 * that rule in both NIST 800-53 R5 and HIPAA Security, which check the same thing under the
 * same name; a full id (`AwsSolutions-S1`) is taken as it is.
 */
export function acknowledgeRule(
  scope: IConstruct,
  rules: string | readonly string[],
  reason: string,
): void {
  const ids = (typeof rules === 'string' ? [rules] : rules).flatMap((rule) =>
    PACK_PREFIX.test(rule) ? [rule] : SHARED_RULE_PACKS.map((pack) => `${pack}-${rule}`),
  );
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}

/**
 * Acknowledges every wildcard (AwsSolutions-IAM5) of one IAM policy that is not ours to
 * narrow (a CDK-provided custom resource's), naming each finding exactly as cdk-nag does.
 */
export function acknowledgeWildcards(policy: CfnPolicy, reason: string): void {
  const document = Stack.of(policy).resolve(policy.policyDocument) as {
    Statement?: { Effect: string; Action: string | string[]; Resource: unknown }[];
  };
  const ids = new Set<string>();
  for (const statement of document.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of [statement.Action].flat()) {
      if (action.includes('*')) ids.add(`AwsSolutions-IAM5[Action::${action}]`);
    }
    for (const resource of [statement.Resource].flat()) {
      const flat = flattenCfnReference(resource);
      if (flat.includes('*')) ids.add(`AwsSolutions-IAM5[Resource::${flat}]`);
    }
  }
  Validations.of(policy).acknowledge(...[...ids].map((id) => ({ id, reason })));
}
