/**
 * Attacks on the verifier by someone who can edit any archive file but not the signing key:
 * lines crafted against the fast path and the JSON fallback, bodies moved out of the record,
 * forged purge records, aliased chain directories and checkpoint games. Each must be
 * reported with the right kind, chain and seq (or, where noted, be visible in the report).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { checkpointKey, keyFile, segmentKey } from '#core/archive/layout.ts';
import { canonicalJson } from '#core/chain/canonical.ts';
import { DEFAULT_LOG_NAME } from '#core/chain/checkpoint.ts';
import { GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import type { SignerPort } from '#ports/signer.ts';
import {
  buildArchive,
  type LineFormat,
  lineOf,
  MemoryArchive,
  sampleBody,
  sealChain,
  sealTestRecord,
  segmentText,
  signCheckpoint,
  withoutBody,
} from '#test/helpers/archive-builder.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

const A = 'app-1';
const B = 'app:2';
const seg = (from: number): string => segmentKey(A, from);

let dir: string;
let signer: SignerPort;
let stranger: SignerPort;

beforeAll(async () => {
  dir = await tempDir('verify-adversarial-');
  signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
  stranger = await loadOrCreateEd25519Signer(join(dir, 'stranger'));
});
afterAll(async () => {
  await removeDir(dir);
});

type Triple = readonly [chain: string, seq: number, kind: string];
const faultsOf = (report: Awaited<ReturnType<typeof verifyArchive>>): Triple[] =>
  report.faults.map((f) => [f.chain, f.seq, f.kind] as const);

const lines = (archive: MemoryArchive, key: string): string[] =>
  archive.text(key).split('\n').slice(0, -1);
const setLines = (archive: MemoryArchive, key: string, next: readonly string[]): void =>
  archive.overwrite(key, next.map((l) => `${l}\n`).join(''));
/** Rewrites line `index` of segment 0 of chain A. */
const editLine = (archive: MemoryArchive, index: number, edit: (line: string) => string): void =>
  setLines(
    archive,
    seg(0),
    lines(archive, seg(0)).map((l, i) => (i === index ? edit(l) : l)),
  );

/** Chain A: 40 records, one segment, signed at 40; chain B: 10 records. */
const build = async (format: LineFormat = 'laid-out') => {
  const archive = new MemoryArchive();
  const built = await buildArchive(archive, {
    signer,
    format,
    chains: [
      { chain: A, records: 40, segmentSize: 100 },
      { chain: B, records: 10 },
    ],
  });
  return { archive, records: built.records.get(A) ?? [] };
};

/** One chain A of `records`, one segment, signed over all of them. */
const archiveOf = async (records: readonly LedgerRecord[], format: LineFormat = 'laid-out') => {
  const archive = new MemoryArchive();
  await archive.put(keyFile(signer.keyName), Buffer.from(`${await signer.verifierKey()}\n`));
  archive.overwrite(seg(0), segmentText(records, format));
  archive.overwrite(
    checkpointKey(A, records.length),
    await signCheckpoint(records, records.length, signer),
  );
  return archive;
};

describe('verifier under attack: ambiguous JSON', () => {
  it.each([
    {
      name: 'a duplicate envelope member before the real one',
      format: 'json' as const,
      edit: (l: string) => l.replace('"kind":"inference"', '"kind":"decision","kind":"inference"'),
    },
    {
      name: 'a forged body before the real one',
      format: 'laid-out' as const,
      edit: (l: string) => l.replace(',"body":', ',"body":{"forged":true},"body":'),
    },
    {
      name: 'a __proto__ member in the envelope',
      format: 'laid-out' as const,
      edit: (l: string) => l.replace('{', '{"__proto__":{"kind":"decision"},'),
    },
    {
      name: 'a __proto__ member out of order inside policy',
      format: 'json' as const,
      edit: (l: string) => l.replace('"version":"none"}', '"version":"none","__proto__":{"x":1}}'),
    },
  ])('reports $name as modified', async ({ format, edit }) => {
    // Prepare
    const { archive } = await build(format);
    editLine(archive, 7, edit);

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(faultsOf(report)).toEqual([[A, 7, 'modified']]);
  });

  it('reports bytes that are not UTF-8 but decode to the same text as modified', async () => {
    // Prepare: U+FFFD in a body, then its bytes replaced by one invalid byte
    const records = sealChain(A, 10, 0, GENESIS_PREV, (s) => ({
      ...(sampleBody(A, s) as object),
      note: 'a\uFFFDb',
    }));
    const archive = await archiveOf(records);
    const bytes = Buffer.from(archive.text(seg(0)));
    const at = bytes.indexOf(Buffer.from('a\uFFFDb'), bytes.indexOf('\n', 0) + 1);
    archive.objects.set(
      seg(0),
      Buffer.concat([bytes.subarray(0, at + 1), Buffer.from([0xff]), bytes.subarray(at + 4)]),
    );

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(faultsOf(report)).toEqual([[A, 1, 'modified']]);
  });

  it('does not crash on a body nested a million levels deep', async () => {
    // Prepare
    const { archive } = await build('laid-out');
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    editLine(archive, 7, (l) => l.replace(/,"body":.*\}$/, `,"body":${deep}}`));

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(faultsOf(report)).toEqual([[A, 7, 'modified']]);
  });

  it('verifies a record whose client data holds `,"hash":"` and catches a change to it', async () => {
    // Prepare: the first `,"hash":"` of the line is inside policy.client_reported
    const records = sealChain(A, 5);
    const prev = records[4]?.hash ?? '';
    const tricky = sealTestRecord(A, 5, prev, {
      policy: {
        version: 'none',
        decision: 'pass',
        findings: [],
        client_reported: { a: 1, hash: prev, prev, seq: 5 },
      },
    });
    const archive = await archiveOf([...records, tricky]);
    const clean = await verifyArchive(archive);
    editLine(archive, 5, (l) =>
      l.replace(`"a":1,"hash":"${prev.slice(0, 4)}`, `"a":1,"hash":"0000`),
    );

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(clean.ok).toBe(true);
    expect(faultsOf(report)).toEqual([[A, 5, 'modified']]);
  });

  it('reports an extra member after the body as modified', async () => {
    // Prepare
    const { archive } = await build('laid-out');
    editLine(archive, 7, (l) => `${l.slice(0, -1)},"note":"added"}`);

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(faultsOf(report)).toEqual([[A, 7, 'modified']]);
  });
});

describe('verifier under attack: bodies and purges', () => {
  it('reports a body replaced by a body_ref to nowhere as removed', async () => {
    // Prepare
    const { archive, records } = await build('laid-out');
    const stub = {
      ...withoutBody(records[7] as LedgerRecord),
      body_ref: { uri: 's3://x/y', size: 2 },
    };
    editLine(archive, 7, () => lineOf(stub));

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(faultsOf(report)).toEqual([[A, 7, 'unlogged_purge']]);
  });

  it.each([
    { name: 'verifies', stored: (body: string) => body, faults: [] },
    {
      name: 'reports a change to',
      stored: (body: string) => body.replace('applicant-7', 'applicant-X'),
      faults: [[A, 7, 'modified']],
    },
  ])('$name a body stored by reference in the archive', async ({ stored, faults }) => {
    // Prepare: the layout the ledger's body store writes
    const { archive, records } = await build('laid-out');
    const record = records[7] as LedgerRecord;
    const { body: _body, ...rest } = record;
    const key = `bodies/${A}/000000000007-${record.body_hash}.json`;
    archive.overwrite(key, stored(canonicalJson(record.body)));
    editLine(archive, 7, () =>
      lineOf({ ...rest, body_ref: { uri: `s3://bucket/${key}`, size: 1 } }),
    );

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(faultsOf(report)).toEqual(faults);
  });

  it('reports a body removed under cover of a purge record no checkpoint signs', async () => {
    // Prepare: body of seq 7 removed, a well-linked purge record appended after the signed tail
    const { archive, records } = await build('laid-out');
    const purge = sealTestRecord(A, 40, records[39]?.hash ?? '', {
      kind: 'purge',
      ref: { ranges: [[7, 7]] },
    });
    const edited = lines(archive, seg(0)).map((l, i) =>
      i === 7 ? lineOf(withoutBody(records[7] as LedgerRecord)) : l,
    );
    setLines(archive, seg(0), [...edited, lineOf(purge)]);

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(faultsOf(report)).toEqual([[A, 7, 'unlogged_purge']]);
    expect(report.purged).toEqual([]);
  });

  it('does not take the ranges of a purge record whose ranges were widened', async () => {
    // Prepare
    const archive = new MemoryArchive();
    const built = await buildArchive(archive, {
      signer,
      chains: [{ chain: A, records: 20, segmentSize: 100, purge: [[2, 3]] }],
    });
    const records = built.records.get(A) ?? [];
    const edited = lines(archive, seg(0)).map((l, i) =>
      i === 20
        ? l.replace('[[2,3]]', '[[2,5]]')
        : i === 5
          ? lineOf(withoutBody(records[5] as LedgerRecord))
          : l,
    );
    setLines(archive, seg(0), edited);

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(faultsOf(report)).toEqual([
      [A, 20, 'modified'],
      [A, 2, 'unlogged_purge'],
      [A, 5, 'unlogged_purge'],
    ]);
  });
});

describe('verifier under attack: archive keys and checkpoints', () => {
  it('reports segments stored under an alias of the chain directory', async () => {
    // Prepare: `app%2D1` decodes to `app-1` and sorts before it, after `app%3A2`
    const { archive } = await build('laid-out');
    archive.overwrite('chains/app%2D1/segments/000000000000.jsonl', archive.text(seg(0)));

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(faultsOf(report)).toEqual([[A, -1, 'malformed']]);
    expect(report.chains).toBe(2);
  });

  it.each([
    {
      name: "another chain's checkpoint under this chain's key",
      tamper: (a: MemoryArchive) => a.overwrite(checkpointKey(A, 10), a.text(checkpointKey(B, 10))),
      faults: [[A, 9, 'bad_signature']],
    },
    {
      name: 'a checkpoint under the key of another size',
      tamper: (a: MemoryArchive) => {
        a.overwrite(checkpointKey(A, 41), a.text(checkpointKey(A, 40)));
        a.remove(checkpointKey(A, 40));
      },
      faults: [[A, 40, 'malformed']],
    },
  ])('reports $name', async ({ tamper, faults }) => {
    // Prepare
    const { archive } = await build('laid-out');
    tamper(archive);

    // Act
    const report = await verifyArchive(archive);

    // Assess
    expect(faultsOf(report)).toEqual(faults);
  });

  it('trusts a re-signed rewrite only without a pinned key, and says so', async () => {
    // Prepare: chain rewritten, re-signed with the attacker's key, published as the archive's key
    const { archive } = await build('laid-out');
    const forged = sealChain(A, 40, 0, GENESIS_PREV, (s) => ({ forged: s }));
    archive.overwrite(seg(0), segmentText(forged));
    archive.overwrite(checkpointKey(A, 40), await signCheckpoint(forged, 40, stranger));
    archive.overwrite(checkpointKey(B, 10), archive.text(checkpointKey(B, 10)));
    archive.overwrite(keyFile(DEFAULT_LOG_NAME), `${await stranger.verifierKey()}\n`);

    // Act
    const unpinned = await verifyArchive(archive);
    const pinned = await verifyArchive(archive, { publicKey: await signer.verifierKey() });

    // Assess
    expect(unpinned).toMatchObject({ pinned: false });
    expect(faultsOf(unpinned)).toEqual([[B, 9, 'bad_signature']]);
    expect(faultsOf(pinned)).toEqual([[A, 39, 'bad_signature']]);
    expect(pinned.pinned).toBe(true);
  });
});
