/**
 * cdk-nag wiring, shared by bin/app.ts and the infra tests. cdk-nag 3 packs are CDK policy
 * validation plugins: they run when the app synthesizes and fail it on unacknowledged
 * errors. Acknowledgements live next to the resources they concern (`Validations.of(x)
 * .acknowledge({ id, reason })` in lib/constructs/).
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack, NIST80053R5Checks } from 'cdk-nag';
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
