/**
 * Which records legal holds cover, found through the ledger's search index (the file
 * ledger's posting lists locally, the DynamoDB search GSIs on AWS) rather than by reading
 * the chains whole: a hold by user is a query on its subject term, one by time range a
 * query per chain bounded by ingest time, one by event ids a lookup of those ids, and one
 * naming only a chain covers all of it without reading a record. The work follows what a
 * hold covers, not how long the chains are. A ledger without an index is read whole.
 */
import { subjectTerm, TERM, term } from '#core/search/terms.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import type { IndexQuery, RecordSearchPort } from '#ports/record-search.ts';
import { type Hold, type HoldScope, holdCovers } from './governance.ts';

/** Per chain: the covered seqs, or `all` when a hold covers the whole chain. */
export type Coverage = Map<string, Set<number> | 'all'>;

type CoverageLedger = Pick<LedgerPort, 'chains' | 'head' | 'range' | 'get' | 'locate'> &
  Partial<RecordSearchPort>;

/** Hits per search page. */
const PAGE = 1000;

const adder = (out: Coverage) => (chain: string, seq: number) => {
  const found = out.get(chain);
  if (found === undefined) out.set(chain, new Set([seq]));
  else if (found !== 'all') found.add(seq);
};

/** Every hit of a search, page by page. */
const searchAll = async (
  ledger: RecordSearchPort,
  query: Omit<IndexQuery, 'limit' | 'cursor'>,
  add: (chain: string, seq: number) => void,
): Promise<void> => {
  let cursor: string | undefined;
  do {
    const page = await ledger.search({
      ...query,
      limit: PAGE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const hit of page.hits) add(hit.chain, hit.seq);
    cursor = page.cursor;
  } while (cursor !== undefined);
};

const bounds = (scope: HoldScope): Pick<IndexQuery, 'fromMs' | 'toMs'> => ({
  ...(scope.from === undefined ? {} : { fromMs: Date.parse(scope.from) }),
  ...(scope.to === undefined ? {} : { toMs: Date.parse(scope.to) }),
});

/** One hold's records through the index. */
const coverOne = async (
  scope: HoldScope,
  ledger: CoverageLedger & RecordSearchPort,
  out: Coverage,
): Promise<void> => {
  const add = adder(out);
  if (scope.event_ids !== undefined) {
    const found = await ledger.locate(scope.event_ids);
    // Only a subject or a time bound needs the record itself; a chain is in the location.
    const needsRecord =
      scope.subject !== undefined || scope.from !== undefined || scope.to !== undefined;
    for (const { chain, seq } of found.values()) {
      if (scope.chain !== undefined && scope.chain !== chain) continue;
      const record = needsRecord ? await ledger.get(chain, seq) : undefined;
      if (!needsRecord || (record && holdCovers(scope, record, record.body_enc?.s))) {
        add(chain, seq);
      }
    }
    return;
  }
  const chainTerms = scope.chain === undefined ? [] : [term(TERM.chain, scope.chain)];
  if (scope.subject !== undefined) {
    const subject = subjectTerm(scope.subject);
    if (subject === undefined) return; // not a user's subject: no sealed body names it
    await searchAll(ledger, { all: [subject, ...chainTerms], ...bounds(scope) }, add);
    return;
  }
  if (scope.chain !== undefined) {
    if (scope.from === undefined && scope.to === undefined) out.set(scope.chain, 'all');
    else await searchAll(ledger, { all: chainTerms, ...bounds(scope) }, add);
    return;
  }
  // A time range alone: every chain, each queried within the range only.
  for await (const chain of ledger.chains()) {
    await searchAll(ledger, { all: [term(TERM.chain, chain)], ...bounds(scope) }, add);
  }
};

/** Without an index: every record of the chains the holds can touch, checked one by one. */
const readWhole = async (holds: readonly Hold[], ledger: CoverageLedger, out: Coverage) => {
  const add = adder(out);
  const scoped = holds.every((h) => h.scope.chain !== undefined);
  const chains: string[] = [];
  if (scoped) chains.push(...new Set(holds.map((h) => h.scope.chain as string)));
  else for await (const chain of ledger.chains()) chains.push(chain);
  for (const chain of chains) {
    const head = await ledger.head(chain);
    for await (const r of ledger.range(chain, 0, head.seq)) {
      if (holds.some((h) => holdCovers(h.scope, r, r.body_enc?.s))) add(chain, r.seq);
    }
  }
};

/** The records the holds cover, per chain. */
export const coveredSeqs = async (
  holds: readonly Hold[],
  ledger: CoverageLedger,
): Promise<Coverage> => {
  const out: Coverage = new Map();
  if (typeof ledger.search !== 'function') {
    await readWhole(holds, ledger, out);
    return out;
  }
  for (const hold of holds) {
    await coverOne(hold.scope, ledger as CoverageLedger & RecordSearchPort, out);
  }
  return out;
};
