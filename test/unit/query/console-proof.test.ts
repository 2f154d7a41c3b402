/**
 * The console's in-browser proof check (console/proof.js, WebCrypto) agrees with the
 * core's `checkProof` (node:crypto): the same proofs verify, whatever the leaf's place in the
 * tree and however unusual the envelope's JSON, and the same tampered proofs fail. Node 22
 * has the browser's WebCrypto (Ed25519 included) and atob, so the module runs as it is.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { checkpointKey, keyFile, segmentKey } from '#core/archive/layout.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { GENESIS_PREV } from '#core/chain/record.ts';
import { checkProof, type ProofFile, proveEvent } from '#core/verify/proof.ts';
import type { SignerPort } from '#ports/signer.ts';
import {
  buildArchive,
  MemoryArchive,
  sealTestRecord,
  segmentText,
  signCheckpoint,
} from '#test/helpers/archive-builder.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

type BrowserCheck = (
  proof: unknown,
  keys: readonly string[],
  shownHash?: string,
) => Promise<{ ok: boolean; reason?: string }>;

const PROOF_MODULE = new URL('../../../console/proof.js', import.meta.url).href;
let browserCheck: BrowserCheck;
let dir: string;
let signer: SignerPort;
let stranger: SignerPort;

beforeAll(async () => {
  browserCheck = ((await import(PROOF_MODULE)) as { checkProof: BrowserCheck }).checkProof;
  dir = await tempDir('console-proof-');
  signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
  stranger = await loadOrCreateEd25519Signer(join(dir, 'stranger'));
});
afterAll(async () => {
  await removeDir(dir);
});

const copy = (proof: ProofFile): ProofFile => JSON.parse(JSON.stringify(proof)) as ProofFile;

describe('console/proof.js against the core', () => {
  it('verifies the proof of every leaf of a 40-record checkpoint, as the core does', async () => {
    const archive = new MemoryArchive();
    const { vkey } = await buildArchive(archive, {
      signer,
      chains: [{ chain: 'app-1', records: 41, checkpoints: [40], segmentSize: 10 }],
    });
    for (let seq = 0; seq < 40; seq++) {
      const proof = copy(await proveEvent(archive, `app-1-evt-${seq}`));
      expect(checkProof(proof, vkey).ok).toBe(true);
      const result = await browserCheck(proof, [vkey], proof.record.hash);
      expect(result, `seq ${seq}`).toEqual({ ok: true, key: expect.any(String), size: 40 });
    }
  });

  it('hashes envelopes with unusual JSON as RFC 8785 does', async () => {
    // Keys out of order, non-ASCII keys and strings, exponents, -0, nesting, a URL-unsafe chain.
    const client_reported = {
      z: [true, null, { b: 1, a: 2 }],
      é: 1e21,
      '€': -0,
      a: 0.1,
      '\u{1F600}': 'smile 😀',
      '10': 'integer-like key',
      B: 'line\nbreak "quoted"',
    };
    const chain = 'tenant::app/ü';
    const records: LedgerRecord[] = [];
    let prev = GENESIS_PREV;
    for (let seq = 0; seq < 5; seq++) {
      const record = sealTestRecord(chain, seq, prev, {
        policy: { version: 'v', decision: 'flag', findings: [], client_reported },
      });
      records.push(record);
      prev = record.hash;
    }
    const archive = new MemoryArchive();
    const vkey = await signer.verifierKey();
    await archive.put(keyFile(signer.keyName), Buffer.from(`${vkey}\n`));
    await archive.put(segmentKey(chain, 0), Buffer.from(segmentText(records)));
    await archive.put(
      checkpointKey(chain, 5),
      Buffer.from(await signCheckpoint(records, 5, signer)),
    );
    for (const record of records) {
      const proof = copy(await proveEvent(archive, record.event_id));
      expect(checkProof(proof, vkey).ok).toBe(true);
      expect((await browserCheck(proof, [vkey], record.hash)).ok).toBe(true);
    }
  });

  it('fails every tampered proof the core fails, saying why', async () => {
    const archive = new MemoryArchive();
    const { vkey } = await buildArchive(archive, {
      signer,
      chains: [
        { chain: 'app-1', records: 20, checkpoints: [20] },
        { chain: 'app-2', records: 20, checkpoints: [20] },
      ],
    });
    const good = copy(await proveEvent(archive, 'app-1-evt-5'));
    const other = copy(await proveEvent(archive, 'app-2-evt-5'));
    const strangerKey = await stranger.verifierKey();
    const cases: [string, (p: ProofFile) => unknown, readonly string[], RegExp][] = [
      [
        'a path hash',
        (p) => ({ ...p, proof: [Buffer.alloc(32, 1).toString('base64'), ...p.proof.slice(1)] }),
        [vkey],
        /audit path/,
      ],
      [
        'the record',
        (p) => ({ ...p, record: { ...p.record, kind: 'decision' } }),
        [vkey],
        /its hash/,
      ],
      [
        'the seq',
        (p) => ({ ...p, seq: 6, leaf_index: 6, record: { ...p.record, seq: 6 } }),
        [vkey],
        /hash|audit path/,
      ],
      [
        'the checkpoint',
        (p) => ({ ...p, checkpoint: p.checkpoint.replace('\n20\n', '\n19\n') }),
        [vkey],
        /signed|signature/,
      ],
      [
        'another chain’s checkpoint',
        (p) => ({ ...p, checkpoint: other.checkpoint }),
        [vkey],
        /checkpoint is for/,
      ],
      ['a stranger’s key', (p) => p, [strangerKey], /not signed by a published key/],
      ['the tree size', (p) => ({ ...p, tree_size: 21 }), [vkey], /tree_size/],
    ];
    for (const [what, tamper, keys, reason] of cases) {
      const bad = tamper(copy(good));
      expect(checkProof(bad, keys[0]).ok, what).toBe(false);
      const result = await browserCheck(bad, keys);
      expect(result.ok, what).toBe(false);
      expect(result.reason, what).toMatch(reason);
    }
    // A valid proof of another record than the one on the page is not a proof of it.
    const shownElsewhere = await browserCheck(good, [vkey], other.record.hash);
    expect(shownElsewhere).toEqual({ ok: false, reason: expect.stringMatching(/another record/) });
  });
});
