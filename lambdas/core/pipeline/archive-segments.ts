import { segmentKey } from '#core/archive/layout.ts';
import { formatRecordLine } from '#core/archive/record-line.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { AuditTrailError } from '#core/errors.ts';
import { ArchiveConflictError, type ArchivePort } from '#ports/archive.ts';
import type { LedgerPort } from '#ports/ledger.ts';

/** Most records one segment object holds; a long backlog is archived in several. */
export const MAX_SEGMENT_RECORDS = 10_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Segment lines in the archive's record-line form, which the verifier hashes as stored. */
export const segmentBytes = (records: readonly LedgerRecord[]): Uint8Array =>
  encoder.encode(records.map((r) => `${formatRecordLine(r)}\n`).join(''));

/** The ledger could not produce a range it claims to hold: never archive a partial one. */
export class LedgerGapError extends AuditTrailError {
  readonly code = 'ledger_gap';
  override readonly name = 'LedgerGapError';
  constructor(chain: string, from: number, to: number, got: number) {
    super(`ledger returned ${got} records for ${chain} ${from}..${to}`);
  }
}

/** A reader's view (bodies opened) was handed to the archiver instead of the ledger. */
export class OpenedBodyError extends AuditTrailError {
  readonly code = 'opened_body';
  override readonly name = 'OpenedBodyError';
}

/** A segment key was taken but its object holds no readable last record. */
export class SegmentUnreadableError extends AuditTrailError {
  readonly code = 'segment_unreadable';
  override readonly name = 'SegmentUnreadableError';
}

export interface ArchiveProgress {
  readonly chain: string;
  /** Highest seq in the archive after this call. */
  readonly archivedThrough: number;
  readonly segments: number;
}

/**
 * Brings the archive of one chain up to `headSeq`: everything after the chain's
 * `archived_through` is written as write-once segments, then the progress is recorded.
 * Idempotent and safe to race: a segment key names its first seq, so when the put finds the
 * key taken (a crashed run, or another processor, got there first) it continues after the
 * last record of the segment already there. `fresh` are records just appended, used
 * instead of reading them back when they cover the range.
 */
export const archiveChain = async (
  chain: string,
  headSeq: number,
  ledger: LedgerPort,
  archive: ArchivePort,
  retainUntil: Date | undefined,
  fresh: readonly LedgerRecord[] = [],
): Promise<ArchiveProgress> => {
  let through = (await ledger.meta(chain)).archived_through;
  let segments = 0;
  const putOptions = {
    contentType: 'application/x-ndjson',
    ...(retainUntil ? { retainUntil } : {}),
  };
  while (through < headSeq) {
    const from = through + 1;
    const to = Math.min(headSeq, from + MAX_SEGMENT_RECORDS - 1);
    const records = await recordsFor(chain, from, to, ledger, fresh);
    const key = segmentKey(chain, from);
    try {
      await archive.put(key, segmentBytes(records), putOptions);
      segments += 1;
      through = to;
    } catch (error) {
      if (!(error instanceof ArchiveConflictError)) throw error;
      through = await lastSeqOf(archive, key);
    }
    await ledger.setMeta(chain, { archived_through: through });
  }
  return { chain, archivedThrough: through, segments };
};

/** Records from..to, from the ones just appended when they cover the range. */
const recordsFor = async (
  chain: string,
  from: number,
  to: number,
  ledger: LedgerPort,
  fresh: readonly LedgerRecord[],
): Promise<readonly LedgerRecord[]> => {
  const offset = from - (fresh[0]?.seq ?? Number.NaN);
  const count = to - from + 1;
  if (offset >= 0 && fresh.length >= offset + count) return fresh.slice(offset, offset + count);
  const records: LedgerRecord[] = [];
  for await (const record of ledger.range(chain, from, to)) {
    // A layout v2 record (it has a retention) with a plain body was opened by a reader:
    // archiving it would put the body under the COMPLIANCE lock. Never.
    if (record.retention !== undefined && record.body !== undefined) {
      throw new OpenedBodyError(`${chain}#${record.seq} is an opened layout v2 record`);
    }
    records.push(record);
  }
  if (records.length !== count) throw new LedgerGapError(chain, from, to, records.length);
  return records;
};

/** Seq of the last record in an existing segment. */
const lastSeqOf = async (archive: ArchivePort, key: string): Promise<number> => {
  const bytes = await archive.get(key);
  const lines = bytes ? decoder.decode(bytes).trimEnd().split('\n') : [];
  const seq = (JSON.parse(lines.at(-1) ?? 'null') as { seq?: unknown } | null)?.seq;
  if (typeof seq !== 'number') throw new SegmentUnreadableError(`segment ${key} has no last seq`);
  return seq;
};
