/**
 * The checkpointer's archived leaves list a chain's segments from the one that can hold the
 * range's first record on (`startAfter`), not the chain's whole history, on both archives:
 * the local directory and the S3 bucket (s3rver). Counted: keys the archive lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { segmentKey } from '#core/archive/layout.ts';
import { leafHash } from '#core/chain/merkle.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { archivedLeaves } from '#core/pipeline/archived-leaves.ts';
import type { ArchivePort, ListOptions } from '#ports/archive.ts';
import { sealChain, segmentText } from '#test/helpers/archive-builder.ts';
import { collect } from '#test/helpers/collect.ts';
import { type LocalS3, startS3rver } from '#test/helpers/s3rver.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

let s3: LocalS3;
let dir: string;

beforeAll(async () => {
  s3 = await startS3rver(['worm']);
  dir = await tempDir('archived-leaves-');
});

afterAll(async () => {
  await s3?.stop();
  await removeDir(dir);
});

let n = 0;
const archives: Record<string, () => ArchivePort> = {
  local: () => openFileArchive(`${dir}/a${++n}`),
  s3: () => new S3Archive({ client: s3.client, bucket: 'worm', prefix: `t${++n}` }),
};

/** The archive, and the keys its `list` answered so far. */
const counting = (archive: ArchivePort): { archive: ArchivePort; listed: string[] } => {
  const listed: string[] = [];
  return {
    listed,
    archive: {
      put: (key, bytes, options) => archive.put(key, bytes, options),
      get: (key) => archive.get(key),
      stream: (key) => archive.stream(key),
      async *list(prefix: string, options?: ListOptions) {
        for await (const key of archive.list(prefix, options)) {
          listed.push(key);
          yield key;
        }
      },
    },
  };
};

const CHAIN = 'app';
/** Small bodies: the records are many, their size is beside the point. */
const records = (count: number): LedgerRecord[] =>
  sealChain(CHAIN, count, 0, undefined, (seq) => ({ n: seq }));

/** Writes `records` as segments starting at `starts`. */
const writeSegments = async (
  archive: ArchivePort,
  all: readonly LedgerRecord[],
  starts: readonly number[],
): Promise<void> => {
  await Promise.all(
    starts.map((from, i) =>
      archive.put(
        segmentKey(CHAIN, from),
        Buffer.from(segmentText(all.slice(from, starts[i + 1] ?? all.length))),
      ),
    ),
  );
};

const leavesOf = (all: readonly LedgerRecord[], from: number, to: number): string[] =>
  all
    .slice(from, to + 1)
    .map((r) => Buffer.from(leafHash(Buffer.from(r.hash, 'hex'))).toString('hex'));

const hex = (leaves: readonly Uint8Array[]): string[] =>
  leaves.map((l) => Buffer.from(l).toString('hex'));

// Fifteen segments of 1,000 records: segments hold at most 10,000 (MAX_SEGMENT_RECORDS).
const all = records(15_000);
const starts = Array.from({ length: 15 }, (_, i) => i * 1000);

describe.each(Object.keys(archives))('archived leaves on the %s archive', (name) => {
  it('lists only the segments from the one that can hold the record before the range', async () => {
    // Prepare
    const { archive, listed } = counting((archives[name] as () => ArchivePort)());
    await writeSegments(archive, all, starts);

    // Act: a run checkpointing 14,500..14,999 needs seq 14,499 (the link) on.
    const leaves = await collect(archivedLeaves(archive, CHAIN, 14_500, 14_999));
    const listedThen = listed.length;
    listed.length = 0;
    const fromStart = await collect(archivedLeaves(archive, CHAIN, 0, 999));

    // Assess: keys after segment 4,499's key: segments 5,000..14,000 (10 of 15).
    expect(hex(leaves)).toEqual(leavesOf(all, 14_500, 14_999));
    expect(listedThen).toBe(10);
    expect(hex(fromStart)).toEqual(leavesOf(all, 0, 999));
    expect(listed).toHaveLength(15);
  });

  it('lists the whole chain when a segment is longer than segments are written', async () => {
    // Prepare: segment 0 holds 10,500 records.
    const { archive, listed } = counting((archives[name] as () => ArchivePort)());
    const long = all.slice(0, 11_000);
    await writeSegments(archive, long, [0, 10_500]);

    // Act: seq 10,400 is in segment 0, which lies before the listing's start key.
    const leaves = await collect(archivedLeaves(archive, CHAIN, 10_401, 10_999));

    // Assess: the short listing found segment 10,500 only, so the chain was listed again.
    expect(hex(leaves)).toEqual(leavesOf(all, 10_401, 10_999));
    expect(listed).toEqual([
      segmentKey(CHAIN, 10_500),
      segmentKey(CHAIN, 0),
      segmentKey(CHAIN, 10_500),
    ]);
  });
});
