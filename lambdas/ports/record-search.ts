import { AuditTrailError } from '#core/errors.ts';
/** A search over the ledger's index (see #core/search/terms.ts for what is indexed). */
export interface IndexQuery {
  /** Terms every hit carries (always at least the tenant's). */
  readonly all: readonly string[];
  /** When given, a hit also carries at least one of these. */
  readonly any?: readonly string[];
  /** When given, a hit's chain starts with one of these (stored, tenant-qualified names). */
  readonly chainPrefixes?: readonly string[];
  /** `ingested_at` bounds, epoch ms, inclusive. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Opaque cursor from a previous page: continue after its last hit. */
  readonly cursor?: string;
  readonly limit: number;
}

/** One page, newest first. `cursor` is there when more hits may follow. */
export interface IndexPage {
  readonly hits: readonly { readonly chain: string; readonly seq: number }[];
  readonly cursor?: string;
}

/** A cursor that this index did not hand out. */
export class InvalidCursorError extends AuditTrailError {
  override readonly name = 'InvalidCursorError';
  readonly code = 'invalid_cursor';
}

/** The ledger's search index: newest-first pages with stable cursors (records appended
 * later never shift a page already handed out). */
export interface RecordSearchPort {
  search(query: IndexQuery): Promise<IndexPage>;
}
