/**
 * Legal holds on archive objects: which objects hold the bodies a legal hold covers (the
 * segments their records' lines sit in, and bodies stored by reference), set ON for active
 * holds and OFF for what only released holds covered. Recomputed from the governance chain
 * each time (when a hold is placed or released, and by every purge run, so records that
 * arrive after a hold and match it get their objects held too): idempotent, no state.
 * Which records a hold covers comes from the ledger's search index (hold-coverage.ts), so
 * the work follows what the hold covers, not the size of the chains.
 */
import { encodeChain, segmentsPrefix } from '#core/archive/layout.ts';
import type { ArchivePort } from '#ports/archive.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { ObjectHoldsPort } from '#ports/object-holds.ts';
import type { RecordSearchPort } from '#ports/record-search.ts';
import type { GovernanceState, Hold } from './governance.ts';
import { coveredSeqs } from './hold-coverage.ts';

export interface ObjectHoldDeps {
  readonly ledger: Pick<LedgerPort, 'chains' | 'head' | 'range' | 'get' | 'locate'> &
    Partial<RecordSearchPort>;
  readonly archive: Pick<ArchivePort, 'list'>;
  readonly objectHolds: ObjectHoldsPort;
}

const SEQ_DIGITS = 12;

/** The archive keys under `prefix` named by a zero-padded seq, as seq → key. */
const keysBySeq = async (
  archive: ObjectHoldDeps['archive'],
  prefix: string,
): Promise<[number, string][]> => {
  const out: [number, string][] = [];
  for await (const key of archive.list(prefix)) {
    const seq = Number(key.slice(prefix.length, prefix.length + SEQ_DIGITS));
    if (Number.isSafeInteger(seq)) out.push([seq, key]);
  }
  return out.sort((a, b) => a[0] - b[0]);
};

/** Archive objects holding the bodies of records the holds cover. */
export const coveredObjects = async (
  holds: readonly Hold[],
  deps: Omit<ObjectHoldDeps, 'objectHolds'>,
): Promise<Set<string>> => {
  const keys = new Set<string>();
  if (holds.length === 0) return keys;
  for (const [chain, covered] of await coveredSeqs(holds, deps.ledger)) {
    if (covered === 'all') {
      // The whole chain: every segment and body object, no record read.
      for (const [, key] of await keysBySeq(deps.archive, segmentsPrefix(chain))) keys.add(key);
      for (const [, key] of await keysBySeq(deps.archive, `bodies/${encodeChain(chain)}/`)) {
        keys.add(key);
      }
      continue;
    }
    const seqs = covered;
    if (seqs.size === 0) continue;
    // A segment is named by its first seq and runs to the next one's.
    const segments = await keysBySeq(deps.archive, segmentsPrefix(chain));
    let at = 0;
    for (const seq of [...seqs].sort((a, b) => a - b)) {
      while (at + 1 < segments.length && (segments[at + 1]?.[0] ?? Infinity) <= seq) at++;
      const segment = segments[at];
      if (segment && segment[0] <= seq) keys.add(segment[1]);
    }
    for (const [seq, key] of await keysBySeq(deps.archive, `bodies/${encodeChain(chain)}/`)) {
      if (seqs.has(seq)) keys.add(key);
    }
  }
  return keys;
};

/** Sets the object legal holds the governance chain asks for; answers how many of each. */
export const syncObjectHolds = async (
  state: GovernanceState,
  deps: ObjectHoldDeps,
): Promise<{ readonly on: number; readonly off: number }> => {
  const all = [...state.holds.values()];
  const on = await coveredObjects(
    all.filter((h) => h.released_at === undefined),
    deps,
  );
  const released = all.filter((h) => h.released_at !== undefined);
  const off = [...(await coveredObjects(released, deps))].filter((key) => !on.has(key));
  if (on.size > 0) await deps.objectHolds.setLegalHold([...on], true);
  if (off.length > 0) await deps.objectHolds.setLegalHold(off, false);
  return { on: on.size, off: off.length };
};
