/**
 * cdk-nag wiring, shared by bin/app.ts and the infra tests. cdk-nag 3 packs are CDK policy
 * validation plugins: they run when the app synthesizes and fail it on unacknowledged
 * errors. Acknowledgements live next to the resources they concern (`Validations.of(x)
 * .acknowledge({ id, reason })` in lib/constructs/).
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack, NIST80053R5Checks } from 'cdk-nag';

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
