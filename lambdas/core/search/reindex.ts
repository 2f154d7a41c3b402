/**
 * Re-indexing stored records for search: records written before the search indexes existed,
 * or before a change of what is indexed, get the terms and index keys an append would give
 * them now. Chain by chain in pages (never a Scan), resumable from a cursor, idempotent (a
 * record already indexed as wanted is not written).
 *
 * A record whose body cannot be read here (sealed in layout v2, or kept in the body store)
 * keeps the terms it has and gains those its envelope gives: its body terms were carried
 * from before sealing, and this tool holds no key to open it.
 */

import type { LedgerRecord } from '#core/chain/record.ts';
import { AuditTrailError } from '#core/errors.ts';
import type { SearchReindexPort, StoredIndexEntry } from '#ports/search-reindex.ts';
import { indexKeysOf } from './index-keys.ts';
import { termsOf } from './terms.ts';

/** Raised for a cursor this tool did not write. */
export class ReindexCursorError extends AuditTrailError {
  readonly code = 'reindex_cursor';
  override readonly name = 'ReindexCursorError';
}

interface Position {
  readonly chain: string;
  readonly seq: number;
}

export const encodeCursor = (p: Position): string =>
  Buffer.from(JSON.stringify([p.chain, p.seq])).toString('base64url');

export const decodeCursor = (cursor: string): Position => {
  try {
    const [chain, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof chain === 'string' && Number.isSafeInteger(seq) && (seq as number) >= 0)
      return { chain, seq: seq as number };
  } catch {
    // Reported below.
  }
  throw new ReindexCursorError('not a reindex cursor: pass the one the last run printed');
};

export interface ReindexProgress {
  readonly chain: string;
  /** Records looked at and records rewritten, in this run so far. */
  readonly scanned: number;
  readonly rewritten: number;
  /** Where a new run resumes (after this page). */
  readonly cursor: string;
}

export interface ReindexOptions {
  readonly cursor?: string;
  /** Records per Query page. @default 200 */
  readonly pageSize?: number;
  readonly onProgress?: (progress: ReindexProgress) => void;
}

const readable = (record: LedgerRecord): boolean =>
  record.body !== undefined || (record.body_enc === undefined && record.body_ref === undefined);

/** The terms and index keys an entry should have. */
const wantedIndex = (
  entry: StoredIndexEntry,
): { terms: string[]; indexKeys: Record<string, string> } => {
  const fresh = termsOf(entry.record);
  const terms = [...new Set(readable(entry.record) ? fresh : [...entry.terms, ...fresh])].sort();
  return { terms, indexKeys: indexKeysOf(terms, entry.record.chain) };
};

const sameIndex = (
  entry: StoredIndexEntry,
  wanted: { terms: string[]; indexKeys: Record<string, string> },
): boolean => {
  const stored = [...new Set(entry.terms)].sort();
  const keys = Object.entries(entry.indexKeys).sort();
  const want = Object.entries(wanted.indexKeys).sort();
  return (
    stored.length === wanted.terms.length &&
    stored.every((t, i) => t === wanted.terms[i]) &&
    JSON.stringify(keys) === JSON.stringify(want)
  );
};

/** Re-indexes every chain from the cursor on; answers the totals. */
export const reindex = async (
  port: SearchReindexPort,
  options: ReindexOptions = {},
): Promise<{ scanned: number; rewritten: number; chains: number }> => {
  const start = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const pageSize = options.pageSize ?? 200;
  const chains: string[] = [];
  for await (const chain of port.chains()) chains.push(chain);
  chains.sort();
  let scanned = 0;
  let rewritten = 0;
  let visited = 0;
  for (const chain of chains) {
    if (start !== undefined && chain < start.chain) continue;
    visited++;
    let from: number | undefined = start !== undefined && chain === start.chain ? start.seq : 0;
    while (from !== undefined) {
      const page = await port.page(chain, from, pageSize);
      scanned += page.entries.length;
      // A page's rewrites at once (a page is bounded; a failed one reruns from the page's
      // cursor, and what was rewritten already is left as it is).
      const stale = page.entries.flatMap((entry) => {
        const wanted = wantedIndex(entry);
        return sameIndex(entry, wanted) ? [] : [{ seq: entry.record.seq, wanted }];
      });
      await Promise.all(
        stale.map(({ seq, wanted }) => port.rewrite(chain, seq, wanted.terms, wanted.indexKeys)),
      );
      rewritten += stale.length;
      from = page.next;
      const cursor =
        from === undefined
          ? encodeCursor({ chain: `${chain}\u0000`, seq: 0 })
          : encodeCursor({ chain, seq: from });
      options.onProgress?.({ chain, scanned, rewritten, cursor });
    }
  }
  return { scanned, rewritten, chains: visited };
};
