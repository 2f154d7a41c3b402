/**
 * The Merkle leaves of a chain's records as the ARCHIVE holds them (the bytes auditors
 * verify), never as the ledger says: each line's hash is recomputed from its stored
 * envelope, and the records must follow each other (seq, prev) from the record before the
 * range, which an earlier checkpoint already covered. So a tail rewritten in the ledger and
 * archived afterwards is never signed unless it chains from what was signed before, and a
 * checkpoint never covers bytes the archive does not hold.
 */
import { parseKey, segmentKey, segmentsPrefix } from '#core/archive/layout.ts';
import { leafHash } from '#core/chain/merkle.ts';
import { GENESIS_PREV } from '#core/chain/record.ts';
import { AuditTrailError } from '#core/errors.ts';
import { LineSplitter } from '#core/verify/line-splitter.ts';
import { MalformedLine, readRecordLine } from '#core/verify/read-record.ts';
import type { ArchivePort } from '#ports/archive.ts';
import { MAX_SEGMENT_RECORDS } from './archive-segments.ts';

/** Raised when the archived segments do not hold a well-formed, linked run of the range:
 * the checkpointer then signs nothing for that chain (and the run fails loudly). */
export class ArchivedChainError extends AuditTrailError {
  readonly code = 'archived_chain';
  override readonly name = 'ArchivedChainError';
}

/** First seq of the segments of `chain` listed after `startAfter`, in order. */
const listStarts = async (
  archive: ArchivePort,
  chain: string,
  startAfter: string | undefined,
): Promise<number[]> => {
  const starts: number[] = [];
  const options = startAfter === undefined ? {} : { startAfter };
  for await (const key of archive.list(segmentsPrefix(chain), options)) {
    const parsed = parseKey(key);
    if (parsed?.type === 'segment') starts.push(parsed.from);
  }
  return starts.sort((a, b) => a - b);
};

/**
 * First seq of the segment holding `first` and of every later segment of `chain`, in order.
 * A segment holds at most MAX_SEGMENT_RECORDS records, so that segment starts after
 * `first - MAX_SEGMENT_RECORDS`: only keys after that one are listed (a checkpoint run lists
 * the newest segments, not the chain's whole history). An archive whose segments are longer
 * is listed whole.
 */
export const segmentStartsFrom = async (
  archive: ArchivePort,
  chain: string,
  first: number,
): Promise<number[]> => {
  const floor = first - MAX_SEGMENT_RECORDS;
  if (floor >= 0) {
    const starts = await listStarts(archive, chain, segmentKey(chain, floor));
    if (starts[0] !== undefined && starts[0] <= first) return starts;
  }
  return listStarts(archive, chain, undefined);
};

/**
 * Leaf hashes (RFC 9162) of records `from..to` of `chain`, read from the archive's segments.
 * Reads only the segments that hold `from - 1..to`.
 */
export async function* archivedLeaves(
  archive: ArchivePort,
  chain: string,
  from: number,
  to: number,
): AsyncGenerator<Uint8Array> {
  if (to < from) return;
  const first = Math.max(0, from - 1);
  const starts = await segmentStartsFrom(archive, chain, first);
  const at = starts.findLastIndex((start) => start <= first);
  if (at < 0) throw new ArchivedChainError(`${chain}: no archived segment holds seq ${first}`);
  let next = starts[at] as number;
  let prev = next === 0 ? GENESIS_PREV : undefined;
  const ready: Uint8Array[] = [];
  const failure = (why: string) => new ArchivedChainError(`${chain} seq ${next}: ${why}`);
  const take = (buf: Buffer, start: number, end: number): void => {
    if (next > to) return;
    // A layout v2 line whose tail is the sealer's exact `body_enc` is read without parsing
    // it (read-record.ts, sealed-tail.ts): bodies are no part of a leaf (issue 7).
    const facts = readRecordLine(buf, start, end);
    if (facts instanceof MalformedLine) throw failure(`malformed archived line (${facts.reason})`);
    if (facts.chain !== chain || facts.seq !== next) {
      throw failure(`archived line says ${facts.chain} seq ${facts.seq}`);
    }
    if (facts.computed !== facts.hash) throw failure('archived envelope does not hash to its hash');
    if (prev !== undefined && facts.prev !== prev)
      throw failure('prev does not link to the record before');
    if (facts.seq >= from) ready.push(leafHash(Buffer.from(facts.hash, 'hex')));
    prev = facts.hash;
    next += 1;
  };
  for (const start of starts.slice(at)) {
    if (start > to || next > to) break;
    if (start !== next) throw failure(`segment starts at ${start}`);
    const splitter = new LineSplitter({
      line: take,
      oversize: () => {
        throw failure('archived line too long');
      },
    });
    for await (const chunk of archive.stream(segmentKey(chain, start))) {
      splitter.push(chunk);
      yield* ready.splice(0);
      if (next > to) break;
    }
    if (next <= to) splitter.end();
    yield* ready.splice(0);
  }
  if (next <= to) throw failure(`the archive holds records only up to seq ${next - 1}, not ${to}`);
}
