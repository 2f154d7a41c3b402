import type { LedgerRecord } from '#core/chain/record.ts';
import type { BodyKeysPort } from '#ports/body-keys.ts';
import { decryptBody, keyIdsOf, recordKeyFrom } from './body-crypto.ts';

/**
 * A stored record as readers see it: a layout v2 body decrypted into `body` and `body_salt`
 * while its keys exist; without them (purged or erased) the record has no body at all.
 * Layout v1 records are answered as they are.
 */
export const openRecord = async (
  record: LedgerRecord,
  keys: Pick<BodyKeysPort, 'get'>,
): Promise<LedgerRecord> => {
  const sealed = record.body_enc;
  if (sealed === undefined) return record;
  const { body_enc: _sealed, ...rest } = record;
  const key = recordKeyFrom(
    record,
    sealed,
    await keys.get(keyIdsOf(record.chain, record.seq, sealed)),
  );
  const opened = key === undefined ? undefined : decryptBody(key, record, sealed);
  if (opened === undefined) return rest;
  return { ...rest, body: JSON.parse(opened.text) as unknown, body_salt: opened.salt };
};
