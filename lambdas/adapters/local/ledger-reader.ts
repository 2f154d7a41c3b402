import type { FileHandle } from 'node:fs/promises';
import type { LedgerRecord } from '#core/chain/record.ts';
import { readAt } from './file-io.ts';
import { decodeRecord } from './ledger-frame.ts';
import type { ChainState } from './ledger-locations.ts';

/** How much `readRecords` reads per I/O. */
const READ_RUN = 1024 * 1024;

/**
 * The chain's durable records from `fromSeq` to `toSeq` (inclusive, clamped), read in runs:
 * consecutive records that sit back to back in both files come in one read of each.
 */
export async function* readRecords(
  records: FileHandle,
  bodies: FileHandle,
  state: ChainState,
  fromSeq: number,
  toSeq: number,
): AsyncGenerator<LedgerRecord> {
  const last = Math.min(toSeq, state.count - 1);
  let seq = Math.max(0, fromSeq);
  while (seq <= last) {
    const end = runEnd(state, seq, last);
    const recStart = state.recOff[seq] ?? 0;
    const bodyStart = state.bodyOff[seq] ?? 0;
    const [recordRun, bodyRun] = await Promise.all([
      readAt(records, recStart, (state.recOff[end] ?? 0) + (state.recLen[end] ?? 0) - recStart),
      readAt(bodies, bodyStart, (state.bodyOff[end] ?? 0) + (state.bodyLen[end] ?? 0) - bodyStart),
    ]);
    for (let s = seq; s <= end; s++) {
      const r = (state.recOff[s] ?? 0) - recStart;
      const b = (state.bodyOff[s] ?? 0) - bodyStart;
      yield decodeRecord(
        recordRun.subarray(r, r + (state.recLen[s] ?? 0)),
        bodyRun.subarray(b, b + (state.bodyLen[s] ?? 0)),
      );
    }
    seq = end + 1;
  }
}

/** The last seq of the run starting at `seq`: contiguous in both files, up to READ_RUN. */
const runEnd = (state: ChainState, seq: number, last: number): number => {
  let end = seq;
  let bytes = state.recLen[seq] ?? 0;
  while (
    end < last &&
    bytes < READ_RUN &&
    state.recOff[end + 1] === (state.recOff[end] ?? 0) + (state.recLen[end] ?? 0) &&
    state.bodyOff[end + 1] === (state.bodyOff[end] ?? 0) + (state.bodyLen[end] ?? 0)
  ) {
    end++;
    bytes += state.recLen[end] ?? 0;
  }
  return end;
};
