import { loadTrustedKeys } from '#core/verify/checkpoints.ts';
import { FaultLog } from '#core/verify/report.ts';
import type { ArchivePort } from '#ports/archive.ts';

/** The 200 answer of `GET /v1/checkpoints/keys`. */
export interface PublishedKeysAnswer {
  /** C2SP verifier keys (`<name>+<hex id>+<base64 alg ‖ key>`) checkpoints are signed with. */
  readonly keys: readonly string[];
}

/**
 * The verifier keys the archive publishes (`keys/*.vkey`), the same ones `audit-trail
 * verify` trusts when no key is pinned: the console checks inclusion proofs against them.
 * Unreadable key files are left out, as the verifier reports them.
 */
export const publishedKeys = async (deps: {
  readonly archive: Pick<ArchivePort, 'list' | 'get'>;
}): Promise<PublishedKeysAnswer> => {
  const { vkeys } = await loadTrustedKeys(deps.archive, undefined, new FaultLog());
  return { keys: vkeys };
};
