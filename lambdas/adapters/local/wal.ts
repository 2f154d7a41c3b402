import { type FileHandle, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditTrailError } from '#core/errors.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { fsyncDir, isErrnoCode, writeAll, writeFileSynced } from './file-io.ts';

/** Raised at open when a WAL segment is damaged anywhere but at its torn tail. */
export class WalCorruptError extends AuditTrailError {
  readonly code = 'wal_corrupt';
  override readonly name = 'WalCorruptError';
}

/** One published envelope as logged: its ordinal (global, increasing) and partition key. */
export interface WalEntry {
  readonly n: number;
  readonly k: string;
  readonly e: IntakeEnvelope;
}

interface Segment {
  /** Ordinal of the first entry; every entry of the segment is below the next one's. */
  readonly first: number;
  readonly path: string;
  size: number;
}

/** What was found at open. */
export interface WalRecovery {
  /** Entries at or past the committed position, in ordinal order: to be delivered again. */
  readonly replay: readonly WalEntry[];
  /** The ordinal the next appended entry gets. */
  readonly next: number;
  /** Bytes of a torn tail cut off. */
  readonly cutBytes: number;
}

const POSITION_FILE = 'position.json';
const SEGMENT_RE = /^wal-(\d{16})\.log$/;
const segmentName = (first: number): string => `wal-${first.toString().padStart(16, '0')}.log`;

/**
 * The stream's write-ahead log: segment files of JSON lines, each group of entries written
 * with one write and one fsync, plus the committed position (every ordinal below it is fully
 * processed). Segments wholly below the committed position are deleted.
 */
export class Wal {
  readonly #dir: string;
  readonly #segmentBytes: number;
  readonly #segments: Segment[];
  #handle: FileHandle | undefined;
  #committed: number;
  #fsyncs = 0;

  private constructor(dir: string, segmentBytes: number, segments: Segment[], committed: number) {
    this.#dir = dir;
    this.#segmentBytes = segmentBytes;
    this.#segments = segments;
    this.#committed = committed;
  }

  /** Opens the WAL in `dir` (which must exist), cutting a torn tail of the last segment. */
  static async open(
    dir: string,
    segmentBytes: number,
  ): Promise<{ wal: Wal; recovery: WalRecovery }> {
    const committed = await readPosition(dir);
    const names = (await readdir(dir)).filter((n) => SEGMENT_RE.test(n)).sort();
    const segments: Segment[] = [];
    const replay: WalEntry[] = [];
    let next = committed;
    let cutBytes = 0;
    for (const [i, name] of names.entries()) {
      const path = join(dir, name);
      const bytes = await readFile(path);
      const { entries, validBytes } = parseSegment(bytes, name, i === names.length - 1);
      if (validBytes < bytes.length) {
        cutBytes += bytes.length - validBytes;
        const handle = await open(path, 'r+');
        await handle.truncate(validBytes);
        await handle.sync();
        await handle.close();
      }
      const first = Number(SEGMENT_RE.exec(name)?.[1]);
      segments.push({ first, path, size: validBytes });
      for (const entry of entries) {
        if (entry.n >= committed) replay.push(entry);
        next = Math.max(next, entry.n + 1);
      }
    }
    const wal = new Wal(dir, segmentBytes, segments, committed);
    await wal.#deleteCommittedSegments();
    return { wal, recovery: { replay, next, cutBytes } };
  }

  /** Durable fsyncs of entries so far (group commit makes this far fewer than entries). */
  get fsyncs(): number {
    return this.#fsyncs;
  }

  get segmentCount(): number {
    return this.#segments.length;
  }

  /** Appends entries (consecutive ordinals) with one write and one fsync. */
  async append(entries: readonly WalEntry[]): Promise<void> {
    const first = entries[0];
    if (first === undefined) return;
    const bytes = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const segment = await this.#writableSegment(first.n);
    await writeAll(this.#handle as FileHandle, bytes, segment.size);
    await (this.#handle as FileHandle).datasync();
    this.#fsyncs++;
    segment.size += bytes.length;
  }

  /** Persists the committed position (only ever raised) and deletes segments below it. */
  async commit(position: number): Promise<void> {
    if (position <= this.#committed) return;
    const temp = join(this.#dir, `${POSITION_FILE}.tmp`);
    await writeFileSynced(temp, JSON.stringify({ committed: position }), 'w');
    // No directory fsync: a rename lost in a crash only means replaying more, which the
    // processor's dedupe by event_id makes safe.
    await rename(temp, join(this.#dir, POSITION_FILE));
    this.#committed = position;
    await this.#deleteCommittedSegments();
  }

  async close(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
  }

  async #writableSegment(firstOrdinal: number): Promise<Segment> {
    const last = this.#segments[this.#segments.length - 1];
    if (last !== undefined && last.size < this.#segmentBytes) {
      this.#handle ??= await open(last.path, 'r+');
      return last;
    }
    await this.#handle?.close();
    const segment: Segment = {
      first: firstOrdinal,
      path: join(this.#dir, segmentName(firstOrdinal)),
      size: 0,
    };
    this.#handle = await open(segment.path, 'wx');
    await fsyncDir(this.#dir);
    this.#segments.push(segment);
    return segment;
  }

  /** A segment can go once the next one starts at or below the committed position. */
  async #deleteCommittedSegments(): Promise<void> {
    while (this.#segments.length > 1 && (this.#segments[1]?.first ?? 0) <= this.#committed) {
      const gone = this.#segments.shift() as Segment;
      await unlink(gone.path);
    }
  }
}

const readPosition = async (dir: string): Promise<number> => {
  try {
    const { committed } = JSON.parse(await readFile(join(dir, POSITION_FILE), 'utf8'));
    if (Number.isSafeInteger(committed) && committed >= 0) return committed;
    throw new WalCorruptError(`${POSITION_FILE}: bad committed position`);
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return 0;
    throw error;
  }
};

const isEntry = (value: unknown): value is WalEntry => {
  const e = value as Partial<WalEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    Number.isSafeInteger(e.n) &&
    typeof e.k === 'string' &&
    typeof e.e === 'object' &&
    e.e !== null
  );
};

/** Parses a segment; only the last segment may end in a torn (unterminated or bad) line. */
const parseSegment = (
  bytes: Buffer,
  name: string,
  isLast: boolean,
): { entries: WalEntry[]; validBytes: number } => {
  const entries: WalEntry[] = [];
  let at = 0;
  while (at < bytes.length) {
    const newline = bytes.indexOf(0x0a, at);
    let entry: unknown;
    if (newline >= 0) {
      try {
        entry = JSON.parse(bytes.subarray(at, newline).toString('utf8'));
      } catch {
        entry = undefined;
      }
    }
    if (!isEntry(entry)) {
      // A crash tears only the tail of the group being written: nothing intact may follow.
      const rest = newline < 0 ? '' : bytes.subarray(newline + 1).toString('utf8');
      if (!isLast || rest.split('\n').some((line) => isEntryLine(line))) {
        throw new WalCorruptError(`${name}: damaged entry at byte ${at}`);
      }
      return { entries, validBytes: at };
    }
    entries.push(entry);
    at = newline + 1;
  }
  return { entries, validBytes: at };
};

const isEntryLine = (line: string): boolean => {
  try {
    return isEntry(JSON.parse(line));
  } catch {
    return false;
  }
};
