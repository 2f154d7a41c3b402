import { createHash } from 'node:crypto';
import { type ChainHead, GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';

/** The head before any record of `chain`. */
export const emptyHead = (chain: string): ChainHead => ({ chain, seq: -1, hash: GENESIS_PREV });

/** The head after `records` (the last one). */
export const headAfter = (records: readonly LedgerRecord[]): ChainHead => {
  const last = records[records.length - 1];
  if (last === undefined) throw new Error('no records');
  return { chain: last.chain, seq: last.seq, hash: last.hash };
};

/**
 * Linked records after `head`: seq and prev follow on; the hash is a stand-in (the ledger
 * checks linkage, not hashing). Event ids are `<prefix>-<seq>` unless given.
 */
export const recordsAfter = (
  head: ChainHead,
  count: number,
  options: {
    readonly prefix?: string;
    readonly ids?: readonly string[];
    readonly bodySize?: number;
  } = {},
): LedgerRecord[] => {
  const out: LedgerRecord[] = [];
  let prev = head.hash;
  for (let i = 0; i < count; i++) {
    const seq = head.seq + 1 + i;
    const hash = createHash('sha256').update(`${head.chain}/${seq}/${prev}`).digest('hex');
    out.push({
      chain: head.chain,
      seq,
      kind: 'decision',
      event_id: options.ids?.[i] ?? `${options.prefix ?? head.chain}-${seq}`,
      ingested_at: '2025-01-01T00:00:00.000Z',
      body_hash: 'b'.repeat(64),
      policy: { version: 'none', decision: 'pass', findings: [] },
      prev,
      hash,
      body: { text: 'x'.repeat(options.bodySize ?? 20), seq, nested: { ok: true } },
      body_salt: 'a'.repeat(32),
    });
    prev = hash;
  }
  return out;
};
