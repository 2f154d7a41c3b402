import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { checkpointKey, segmentKey } from '#core/archive/layout.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { WINDOW } from '#core/verify/chain-verifier.ts';
import type { FaultKind } from '#core/verify/report.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import type { SignerPort } from '#ports/signer.ts';
import {
  type BuiltArchive,
  buildArchive,
  type LineFormat,
  lineOf,
  MemoryArchive,
  sealChain,
  sealTestRecord,
  segmentText,
  withoutBody,
} from '#test/helpers/archive-builder.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

const A = 'app-1';
const B = 'app/2';
const seg = (from: number): string => segmentKey(A, from);

let dir: string;
let signer: SignerPort;
let stranger: SignerPort;

beforeAll(async () => {
  dir = await tempDir('verify-unit-');
  signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
  stranger = await loadOrCreateEd25519Signer(join(dir, 'stranger'));
});
afterAll(async () => {
  await removeDir(dir);
});

const build = async (
  format: LineFormat,
): Promise<{ archive: MemoryArchive; built: BuiltArchive }> => {
  const archive = new MemoryArchive();
  const built = await buildArchive(archive, {
    signer,
    format,
    chains: [
      { chain: A, records: 120, checkpoints: [20, 60, 120] },
      { chain: B, records: 30 },
    ],
  });
  return { archive, built };
};

const lines = (archive: MemoryArchive, key: string): string[] =>
  archive.text(key).split('\n').slice(0, -1);
const setLines = (archive: MemoryArchive, key: string, next: readonly string[]): void =>
  archive.overwrite(key, next.map((l) => `${l}\n`).join(''));
const editLines = (archive: MemoryArchive, key: string, edit: (l: string[]) => string[]): void =>
  setLines(archive, key, edit(lines(archive, key)));
const recordsOf = (built: BuiltArchive): LedgerRecord[] => built.records.get(A) ?? [];
/** Changes one JSON member of line `index` of segment 0 by text replacement. */
const replaceIn = (archive: MemoryArchive, index: number, from: string, to: string): void =>
  editLines(archive, seg(0), (l) =>
    l.map((line, i) => (i === index ? line.replace(from, to) : line)),
  );

const flipSignature = (note: string): string => {
  const lastLine = note.slice(0, -1).split('\n').pop() ?? '';
  const [dash, name, blob] = lastLine.split(' ');
  const bytes = Buffer.from(blob ?? '', 'base64');
  bytes[10] = (bytes[10] ?? 0) ^ 0xff;
  return note.replace(lastLine, `${dash} ${name} ${bytes.toString('base64')}`);
};

interface TamperCase {
  readonly name: string;
  readonly tamper: (archive: MemoryArchive, built: BuiltArchive, format: LineFormat) => void;
  readonly faults: readonly (readonly [chain: string, seq: number, kind: FaultKind])[];
}

const cases: readonly TamperCase[] = [
  { name: 'untouched archive', tamper: () => {}, faults: [] },
  {
    name: 'a changed body',
    tamper: (a) => replaceIn(a, 7, '"applicant-7"', '"applicant-X"'),
    faults: [[A, 7, 'modified']],
  },
  {
    name: 'a changed envelope field',
    tamper: (a) => replaceIn(a, 7, '"kind":"inference"', '"kind":"decision"'),
    faults: [[A, 7, 'modified']],
  },
  {
    name: 'a changed hash field',
    tamper: (a, built) => {
      const hash = recordsOf(built)[7]?.hash ?? '';
      replaceIn(a, 7, hash, `${hash.slice(0, -1)}${hash.endsWith('0') ? '1' : '0'}`);
    },
    faults: [[A, 7, 'modified']],
  },
  {
    name: 'a changed seq field',
    tamper: (a) => replaceIn(a, 7, '"seq":7', '"seq":70'),
    faults: [[A, 7, 'modified']],
  },
  {
    name: 'an envelope change re-hashed on its own',
    tamper: (a, built, format) => {
      const original = recordsOf(built)[7] as LedgerRecord;
      const forged = sealTestRecord(A, 7, original.prev, { kind: 'decision' });
      editLines(a, seg(0), (l) => l.map((line, i) => (i === 7 ? lineOf(forged, format) : line)));
    },
    faults: [[A, 7, 'modified']],
  },
  {
    name: 'a deleted record',
    tamper: (a) => editLines(a, seg(0), (l) => l.filter((_, i) => i !== 7)),
    faults: [[A, 7, 'deleted']],
  },
  {
    name: 'a deleted record with its segment renamed to hide it',
    tamper: (a) => {
      const rest = lines(a, seg(50)).slice(1);
      a.remove(seg(50));
      setLines(a, seg(51), rest);
    },
    faults: [[A, 50, 'deleted']],
  },
  {
    name: 'a deleted segment',
    tamper: (a) => a.remove(seg(50)),
    faults: [[A, 50, 'deleted']],
  },
  {
    name: 'a duplicated line',
    tamper: (a) => editLines(a, seg(0), (l) => [...l.slice(0, 20), l[7] as string, ...l.slice(20)]),
    faults: [[A, 7, 'inserted']],
  },
  {
    name: 'a forged record inserted between two',
    tamper: (a, built, format) => {
      const prev = recordsOf(built)[7]?.hash ?? '';
      const forged = lineOf(sealTestRecord(A, 8, prev, { event_id: 'forged' }), format);
      editLines(a, seg(0), (l) => [...l.slice(0, 8), forged, ...l.slice(8)]);
    },
    faults: [[A, 8, 'inserted']],
  },
  {
    name: 'a record of another chain inserted',
    tamper: (a) => {
      const other = lines(a, segmentKey(B, 0))[3] as string;
      editLines(a, seg(0), (l) => [...l.slice(0, 8), other, ...l.slice(8)]);
    },
    faults: [[A, 3, 'inserted']],
  },
  {
    name: 'two neighbours swapped',
    tamper: (a) =>
      editLines(a, seg(0), (l) =>
        l.map((line, i) => (i === 7 ? l[8] : i === 8 ? l[7] : line) as string),
      ),
    faults: [[A, 7, 'reordered']],
  },
  {
    name: 'two distant records swapped',
    tamper: (a) =>
      editLines(a, seg(0), (l) =>
        l.map((line, i) => (i === 10 ? l[14] : i === 14 ? l[10] : line) as string),
      ),
    faults: [[A, 10, 'reordered']],
  },
  {
    name: 'two segments swapped',
    tamper: (a) => {
      const [first, second] = [a.text(seg(0)), a.text(seg(50))];
      a.overwrite(seg(0), second);
      a.overwrite(seg(50), first);
    },
    faults: [[A, 49, 'reordered']],
  },
  {
    name: 'the last segment removed',
    tamper: (a) => a.remove(seg(100)),
    faults: [[A, 100, 'truncated']],
  },
  {
    name: 'tail records removed',
    tamper: (a) => editLines(a, seg(100), (l) => l.slice(0, 15)),
    faults: [[A, 115, 'truncated']],
  },
  {
    name: 'a chain rewritten consistently from seq 30',
    tamper: (a, built, format) => {
      const records = recordsOf(built);
      const rewritten = [
        ...records.slice(0, 30),
        ...sealChain(A, 90, 30, records[29]?.hash, (seq) => ({ rewritten: seq })),
      ];
      for (const from of [0, 50, 100]) {
        a.overwrite(seg(from), segmentText(rewritten.slice(from, from + 50), format));
      }
    },
    faults: [[A, 20, 'forked']],
  },
  {
    name: 'a second well-linked branch from seq 40',
    tamper: (a, built, format) => {
      const prev = recordsOf(built)[39]?.hash;
      a.overwrite(
        seg(40),
        segmentText(
          sealChain(A, 5, 40, prev, (s) => ({ fork: s })),
          format,
        ),
      );
    },
    faults: [[A, 40, 'forked']],
  },
  {
    name: 'a body removed without a purge record',
    tamper: (a, built, format) => {
      const purged = lineOf(withoutBody(recordsOf(built)[7] as LedgerRecord), format);
      editLines(a, seg(0), (l) => l.map((line, i) => (i === 7 ? purged : line)));
    },
    faults: [[A, 7, 'unlogged_purge']],
  },
  {
    name: 'a checkpoint with a bad signature',
    tamper: (a) => a.overwrite(checkpointKey(A, 60), flipSignature(a.text(checkpointKey(A, 60)))),
    faults: [[A, 59, 'bad_signature']],
  },
  {
    name: 'a checkpoint signed by an unknown key',
    tamper: (a) => {
      const note = a.text(checkpointKey(A, 60));
      a.overwrite(
        checkpointKey(A, 60),
        note.replace(
          /\n\n— .*\n$/,
          '\n\n— stranger AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n',
        ),
      );
    },
    faults: [[A, 59, 'bad_signature']],
  },
  {
    name: 'an unparsable line',
    tamper: (a) =>
      editLines(a, seg(0), (l) => l.map((line, i) => (i === 7 ? line.slice(0, 40) : line))),
    faults: [[A, 7, 'malformed']],
  },
  {
    name: 'an unparsable last line',
    tamper: (a) =>
      editLines(a, seg(100), (l) => l.map((line, i) => (i === 19 ? line.slice(0, 40) : line))),
    faults: [[A, 119, 'malformed']],
  },
  {
    name: 'an unparsable checkpoint',
    tamper: (a) => a.overwrite(checkpointKey(A, 60), 'not a note'),
    faults: [[A, 59, 'malformed']],
  },
  {
    name: 'an unexpected key under chains/',
    tamper: (a) => a.overwrite(`chains/${A}/segments/notes.txt`, 'hello'),
    faults: [[A, -1, 'malformed']],
  },
];

describe.each(['laid-out', 'json'] as const)('verifyArchive on %s lines', (format) => {
  it.each(cases)('reports $name', async ({ tamper, faults }) => {
    // Prepare
    const { archive, built } = await build(format);
    tamper(archive, built, format);

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(report.faults.map((f) => [f.chain, f.seq, f.kind])).toEqual(faults);
    expect(report.ok).toBe(faults.length === 0);
  });
});

describe('verifyArchive report', () => {
  it('counts chains, records and checkpoints and says the key was not pinned', async () => {
    // Prepare
    const { archive, built } = await build('laid-out');

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(report).toMatchObject({
      ok: true,
      chains: 2,
      records: 150,
      checkpoints: 4,
      unsigned: 0,
      pinned: false,
      key: built.vkey.split('+').slice(0, 2).join('+'),
      purged: [],
      faultsOmitted: 0,
    });
    expect(report.bytes).toBeGreaterThan(150 * 300);
  });

  it('checks every checkpoint against a pinned key', async () => {
    // Prepare
    const { archive, built } = await build('laid-out');
    const cases = [
      { key: built.vkey, faults: [] },
      {
        key: await stranger.verifierKey(),
        // Chains come in key order: `app%2F2` sorts before `app-1`.
        faults: [
          [B, 29, 'bad_signature'],
          [A, 19, 'bad_signature'],
          [A, 59, 'bad_signature'],
          [A, 119, 'bad_signature'],
        ],
      },
    ];
    for (const { key, faults } of cases) {
      // Act
      const report = await verifyArchive(archive, { publicKey: key });

      // Assess
      expect(report.pinned).toBe(true);
      expect(report.faults.map((f) => [f.chain, f.seq, f.kind])).toEqual(faults);
    }
  });

  it('reports bodies removed by a purge record as purged, not as faults', async () => {
    // Prepare
    const archive = new MemoryArchive();
    await buildArchive(archive, {
      signer,
      chains: [
        {
          chain: A,
          records: 40,
          purge: [
            [5, 9],
            [12, 12],
          ],
        },
      ],
    });

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(report.faults).toEqual([]);
    expect(report.purged).toEqual([
      { chain: A, from: 5, to: 9, by: 40 },
      { chain: A, from: 12, to: 12, by: 40 },
    ]);
  });

  it('finds a deleted record in a chain longer than the look-ahead window', async () => {
    // Prepare
    const archive = new MemoryArchive();
    const count = WINDOW + 3_000;
    await buildArchive(archive, {
      signer,
      chains: [{ chain: A, records: count, segmentSize: 10_000, checkpoints: [50, count] }],
    });
    editLines(archive, seg(0), (l) => l.filter((_, i) => i !== 100));

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(report.faults.map((f) => [f.chain, f.seq, f.kind])).toEqual([[A, 100, 'deleted']]);
    expect(report.records).toBe(count - 1);
  });

  it('counts records after the last checkpoint as unsigned', async () => {
    // Prepare
    const archive = new MemoryArchive();
    await buildArchive(archive, { signer, chains: [{ chain: A, records: 40, checkpoints: [25] }] });

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(report).toMatchObject({ ok: true, records: 40, checkpoints: 1, unsigned: 15 });
  });

  it('reports progress in bytes and records', async () => {
    // Prepare
    const { archive } = await build('laid-out');
    const seen: { records: number; bytes: number; totalBytes?: number }[] = [];

    // Act
    const report = await verifyArchive(archive, {
      totalBytes: 1234,
      onProgress: (p) => seen.push(p),
    });

    // Assess
    expect(seen.at(-1)).toEqual({ records: 150, bytes: report.bytes, totalBytes: 1234 });
  });
});
