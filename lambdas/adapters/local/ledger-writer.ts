import type { FileHandle } from 'node:fs/promises';
import type { LedgerRecord } from '#core/chain/record.ts';
import { writeAll } from './file-io.ts';
import { GroupCommit } from './group-commit.ts';
import { LedgerIOError } from './ledger-errors.ts';
import { type EncodedFrame, encodeFrame, type FrameHeader } from './ledger-frame.ts';

interface PendingAppend {
  readonly encoded: EncodedFrame;
  /** Offset of the frame in records.log. */
  readonly at: number;
  readonly lastHash: string;
}

/** Called once a frame is durable, in file order. */
export type OnDurable = (header: FrameHeader, recordsStart: number, lastHash: string) => void;

/** One write of `parts` (contiguous from `at`), then fdatasync. */
const writeSynced = async (handle: FileHandle, parts: Buffer[], at: number): Promise<void> => {
  await writeAll(handle, parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts), at);
  await handle.datasync();
};

/**
 * Appends frames to records.log and their bodies to bodies.log with group commit: one write
 * and one fdatasync per file for every append that arrived while the previous sync ran;
 * fail-stop (GroupCommit): after a failed write every append is refused.
 */
export class LedgerWriter {
  readonly #records: FileHandle;
  readonly #bodies: FileHandle;
  readonly #commits: GroupCommit<PendingAppend>;
  /** Where the next frame and its bodies go (past queued appends). */
  #recordsEnd: number;
  #bodiesEnd: number;

  constructor(
    files: { readonly records: FileHandle; readonly bodies: FileHandle },
    ends: { readonly recordsEnd: number; readonly bodiesEnd: number },
    onDurable: OnDurable,
  ) {
    this.#records = files.records;
    this.#bodies = files.bodies;
    this.#recordsEnd = ends.recordsEnd;
    this.#bodiesEnd = ends.bodiesEnd;
    this.#commits = new GroupCommit<PendingAppend>({
      write: async (group) => {
        await this.#write(group);
        for (const p of group)
          onDurable(p.encoded.header, p.at + p.encoded.headerBytes, p.lastHash);
      },
      failure: (cause) => new LedgerIOError('ledger write failed; reopen the ledger', { cause }),
    });
  }

  /** The error of the failed write, once one failed. */
  get failed(): Error | undefined {
    return this.#commits.failed;
  }

  /** Encodes one chain's batch as a frame at the end of the files; resolves once durable. */
  append(batch: readonly LedgerRecord[]): Promise<void> {
    const encoded = encodeFrame(batch, this.#bodiesEnd);
    const at = this.#recordsEnd;
    this.#recordsEnd += encoded.frame.length;
    this.#bodiesEnd += encoded.bodies.length;
    const lastHash = (batch[batch.length - 1] as LedgerRecord).hash;
    return this.#commits.push({ encoded, at, lastHash });
  }

  /** Waits for the running write and everything queued behind it. */
  settled(): Promise<void> {
    return this.#commits.settled();
  }

  async #write(group: readonly PendingAppend[]): Promise<void> {
    const first = group[0] as PendingAppend;
    // Each file syncs as soon as its own write is done.
    await Promise.all([
      writeSynced(
        this.#records,
        group.map((p) => p.encoded.frame),
        first.at,
      ),
      writeSynced(
        this.#bodies,
        group.map((p) => p.encoded.bodies),
        first.encoded.header.bo,
      ),
    ]);
  }
}
