/**
 * The admin chain of a data directory for a one-shot command (`deployments`, `gate`,
 * `keys`): the deployments view and the policy version last recorded in force, under the
 * data directory's lock (while `audit-trail dev` runs, use --endpoint instead).
 */
import { userInfo } from 'node:os';
import type { Submitter } from '#core/access/roles.ts';
import { localActor } from '#core/admin/admin-chain.ts';
import type { DeploymentDeps } from '#core/admin/deployments.ts';
import { dataDirOf } from './dev.ts';

/** The OS user running the command, as the admin chain names them. */
export const operator = (): Submitter => localActor(userInfo().username);

/** Opens the data directory, runs `work` with the admin deps, closes it. */
export const withAdminDeps = async <T>(
  data: string | undefined,
  work: (deps: DeploymentDeps) => Promise<T>,
): Promise<T> => {
  const [{ openAdminSession }, { loadDeploymentView }, { lastPolicyChange }] = await Promise.all([
    import('#handlers/wiring/admin-session.ts'),
    import('#core/admin/deployments.ts'),
    import('#core/admin/policy-change.ts'),
  ]);
  const session = await openAdminSession(dataDirOf(data));
  try {
    const { ledger, archive, clock } = session.governance;
    const last = await lastPolicyChange(ledger);
    const policyVersion =
      (last?.body as { after_sha256?: string } | undefined)?.after_sha256 ?? 'none';
    return await work({
      ledger,
      archive,
      clock,
      deployments: await loadDeploymentView(ledger),
      policyVersion,
    });
  } finally {
    await session.close();
  }
};
