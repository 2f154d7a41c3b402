/**
 * Layout v2 bodies in the verifier. Without body keys a sealed body is counted and left
 * unchecked (only the operator holds the keys: that is what makes erasure stick). With them
 * (`audit-trail verify --body-keys`), each body is decrypted and checked against body_hash,
 * and a body whose keys are gone is `absent`: purged when a signed purge record names it,
 * `unlogged_purge` otherwise, and `held_purged` when an unreleased legal hold covers it.
 */

import { segmentsPrefix } from '#core/archive/layout.ts';
import { bodyHash } from '#core/chain/hash.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { decryptBody, keyIdsOf, recordKeyFrom } from '#core/retention/body-crypto.ts';
import {
  GOVERNANCE_CHAIN,
  type HoldBody,
  type HoldScope,
  holdCovers,
} from '#core/retention/governance.ts';
import type { ArchivePort } from '#ports/archive.ts';
import type { BodyKeysPort } from '#ports/body-keys.ts';

export type SealedCheck = 'ok' | 'mismatch' | 'absent';

/** Checks one sealed body with the keys that exist. */
export const checkSealedBody = async (
  record: LedgerRecord,
  keys: Pick<BodyKeysPort, 'get'>,
): Promise<SealedCheck> => {
  const sealed = record.body_enc;
  if (sealed === undefined) return 'absent';
  const found = await keys.get(keyIdsOf(record.chain, record.seq, sealed));
  const key = recordKeyFrom(record, sealed, found);
  if (key === undefined) return 'absent';
  const opened = decryptBody(key, record, sealed);
  if (opened === undefined) return 'mismatch';
  try {
    return bodyHash(JSON.parse(opened.text), opened.salt) === record.body_hash ? 'ok' : 'mismatch';
  } catch {
    return 'mismatch';
  }
};

/** The hold scopes never released, read from the archive's governance chain (plaintext). */
export const loadActiveHolds = async (
  reader: Pick<ArchivePort, 'list' | 'get'>,
): Promise<HoldScope[]> => {
  const holds = new Map<string, HoldScope>();
  const decoder = new TextDecoder();
  for await (const key of reader.list(segmentsPrefix(GOVERNANCE_CHAIN))) {
    const bytes = await reader.get(key);
    for (const line of bytes ? decoder.decode(bytes).split('\n') : []) {
      if (line === '') continue;
      try {
        const r = JSON.parse(line) as LedgerRecord;
        if (r.kind === 'legal_hold') holds.set(r.event_id, (r.body as HoldBody).scope);
        if (r.kind === 'legal_hold_release' && r.ref?.event_id) holds.delete(r.ref.event_id);
      } catch {
        // The chain verifier reports malformed lines.
      }
    }
  }
  return [...holds.values()];
};

/** Whether a gone body was under an active hold. */
export const heldBy = (holds: readonly HoldScope[], record: LedgerRecord): boolean =>
  holds.some((scope) => holdCovers(scope, record, record.body_enc?.s));
