import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { httpWitness } from '#adapters/local/http-witness.ts';
import { startWitnessServer, type WitnessServer } from '#adapters/local/witness-server.ts';
import { openWitnessStore } from '#adapters/local/witness-store.ts';
import { checkpointKey, indexCosigKey, indexNoteKey } from '#core/archive/layout.ts';
import { cosignerVerifierKey, verifyCosignatures } from '#core/chain/cosignature.ts';
import { checkpointChains } from '#core/pipeline/checkpoint.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import type { CheckpointDeps } from '#ports/pipeline-deps.ts';
import { memoryLog } from '#test/helpers/memory-log.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { verifyLocation } from '../../../bin/commands/verify.ts';
import { loadCosigner } from '../../../bin/commands/witness.ts';
import { decision, envelope, type Harness, openHarness } from './harness.ts';

// A real witness (HTTP on 127.0.0.1, state on disk) cosigning the checkpointer's heads.
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

interface Witness {
  readonly dir: string;
  readonly vkey: string;
  server: WitnessServer;
}

/** Starts (or restarts, on the same dir) a witness trusting `logVkey`. */
const startWitness = async (dir: string, logVkey: string): Promise<Witness> => {
  const cosigner = await loadCosigner(dir, 'witness.test/w1');
  const server = await startWitnessServer({
    store: await openWitnessStore(join(dir, 'state')),
    logs: [{ vkey: logVkey }],
    cosigner,
    clock: { now: () => new Date('2026-11-23T12:00:00Z') },
  });
  opened.push(server);
  return { dir, vkey: cosignerVerifierKey(cosigner), server };
};

const setUp = async (keysDir?: string) => {
  const harness: Harness = await openHarness();
  opened.push(harness);
  const signer = await loadOrCreateEd25519Signer(keysDir ?? `${harness.dir}/keys`);
  const log = memoryLog();
  const deps = (witnesses: Witness[]): CheckpointDeps => ({
    ledger: harness.deps.ledger,
    archive: harness.deps.archive,
    signer,
    clock: harness.deps.clock,
    log,
    logName: 'audit-trail.local',
    witnesses: witnesses.map((w) => httpWitness(w.server.url, w.vkey)),
  });
  const record = (chain: string, ids: string[]) =>
    processBatch(
      ids.map((id) => envelope(decision(chain, id))),
      harness.deps,
    );
  return { harness, signer, log, deps, record };
};

const witnessDir = async () => {
  const dir = await tempDir('witness-');
  opened.push({ close: () => removeDir(dir) });
  return dir;
};

describe('witnesses', () => {
  it('cosign each checkpoint after checking consistency, and the verifier counts them', async () => {
    const s = await setUp();
    const witness = await startWitness(await witnessDir(), await s.signer.verifierKey());
    const stranger = await startWitness(await witnessDir(), await s.signer.verifierKey());

    await s.record('loans', ['a', 'b', 'c']);
    await checkpointChains(s.deps([witness]));
    await s.record('loans', ['d', 'e', 'f', 'g']);
    await checkpointChains(s.deps([witness]));

    const note = text(await s.harness.deps.archive.get(checkpointKey('loans', 7)));
    expect(verifyCosignatures(note, [witness.vkey]).map((c) => c.witness)).toEqual([
      witness.vkey.split('+').slice(0, 2).join('+'),
    ]);
    expect(s.log.lines.filter((l) => l.level === 'warn')).toEqual([]);
    const report = await verifyArchive(s.harness.deps.archive, { witnessKeys: [witness.vkey] });
    expect(report.faults).toEqual([]);
    const unknown = await verifyArchive(s.harness.deps.archive, {
      witnessKeys: [stranger.vkey],
    });
    expect(unknown.faults.map((f) => [f.kind, f.chain, f.seq])).toEqual([
      ['unwitnessed', '', -1], // the newest index of chains
      ['unwitnessed', 'loans', 6],
    ]);
  });

  it('catch up a witness that missed checkpoints with a proof from the size it knows', async () => {
    const s = await setUp();
    const witness = await startWitness(await witnessDir(), await s.signer.verifierKey());
    await s.record('loans', ['a', 'b', 'c']);
    await checkpointChains(s.deps([witness]));
    await s.record('loans', ['d', 'e']);
    await checkpointChains(s.deps([])); // size 5, not witnessed
    await s.record('loans', ['f', 'g', 'h', 'i', 'j', 'k']);

    await checkpointChains(s.deps([witness])); // old 5 → 409 "3" → proof 3..11

    const note = text(await s.harness.deps.archive.get(checkpointKey('loans', 11)));
    expect(verifyCosignatures(note, [witness.vkey])).toHaveLength(1);
    expect(s.log.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('read the older leaves once for all the witnesses that missed checkpoints', async () => {
    const s = await setUp();
    const vkey = await s.signer.verifierKey();
    const witnesses = [
      await startWitness(await witnessDir(), vkey),
      await startWitness(await witnessDir(), vkey),
    ];
    await s.record('loans', ['a', 'b', 'c']);
    await checkpointChains(s.deps(witnesses));
    await s.record('loans', ['d', 'e']);
    await checkpointChains(s.deps([])); // size 5, not witnessed
    await s.record('loans', ['f', 'g', 'h', 'i', 'j', 'k']);
    const streamed: string[] = [];
    const archive = {
      ...s.harness.deps.archive,
      stream: (key: string) => {
        streamed.push(key);
        return s.harness.deps.archive.stream(key);
      },
    };

    await checkpointChains({ ...s.deps(witnesses), archive }); // both: old 5 → 409 "3"

    const note = text(await s.harness.deps.archive.get(checkpointKey('loans', 11)));
    expect(
      verifyCosignatures(
        note,
        witnesses.map((w) => w.vkey),
      ),
    ).toHaveLength(2);
    // Segments 0, 3 and 5: the new records (4..10) from segments 3 and 5, and the older
    // ones (0..4) once from segments 0 and 3, not once per witness.
    expect(streamed.filter((k) => k.includes('/segments/')).sort()).toEqual([
      'chains/loans/segments/000000000000.jsonl',
      'chains/loans/segments/000000000003.jsonl',
      'chains/loans/segments/000000000003.jsonl',
      'chains/loans/segments/000000000005.jsonl',
    ]);
  });

  it('refuse a fork and say so; the forked checkpoint carries no cosignature', async () => {
    const honest = await setUp();
    const keys = join(honest.harness.dir, 'keys');
    const witness = await startWitness(await witnessDir(), await honest.signer.verifierKey());
    await honest.record('loans', ['a', 'b', 'c']);
    await checkpointChains(honest.deps([witness]));
    // The operator, holding the same key, rewrites the chain elsewhere and asks again.
    const forked = await setUp(keys);
    await forked.record('loans', ['a', 'b', 'X', 'd']);

    await checkpointChains(forked.deps([witness]));

    const refusals = forked.log.lines.filter((l) => l.message === 'witness refused the checkpoint');
    // The chain's checkpoint, and the index of chains that lists its forked head.
    expect(refusals.map((r) => r.fields?.status)).toEqual([422, 422]);
    expect(refusals.map((r) => r.fields?.reason)).toEqual([
      expect.stringMatching(/^fork: audit-trail\.local\/loans at size 4/),
      expect.stringMatching(/^fork: audit-trail\.local\/\+index at size 1 /),
    ]);
    const report = await verifyArchive(forked.harness.deps.archive, {
      witnessKeys: [witness.vkey],
    });
    expect(report.faults.map((f) => [f.kind, f.chain])).toEqual([
      ['unwitnessed', ''],
      ['unwitnessed', 'loans'],
    ]);
  });

  it('keep refusing a rollback after a restart', async () => {
    const s = await setUp();
    const dir = await witnessDir();
    const first = await startWitness(dir, await s.signer.verifierKey());
    await s.record('loans', ['a', 'b']);
    await checkpointChains(s.deps([first]));
    const small = text(await s.harness.deps.archive.get(checkpointKey('loans', 2)));
    await s.record('loans', ['c', 'd', 'e']);
    await checkpointChains(s.deps([first]));
    await first.server.close();

    const restarted = await startWitness(dir, await s.signer.verifierKey());
    const post = (body: string) =>
      fetch(`${restarted.server.url}/add-checkpoint`, { method: 'POST', body });
    const fromZero = await post(`old 0\n\n${small}`);
    const fromKnown = await post(`old 5\n\n${small}`);

    expect(fromZero.status).toBe(409);
    expect(fromZero.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(await fromZero.text()).toBe('5\n');
    expect(fromKnown.status).toBe(400);
    expect(await fromKnown.text()).toContain('old size 5 is above 2');
  });

  it('answer 404 for an unknown origin and 403 for a checkpoint no trusted key signed', async () => {
    const s = await setUp();
    const other = await loadOrCreateEd25519Signer(join(await witnessDir(), 'k'), 'someone.else');
    const witness = await startWitness(await witnessDir(), await other.verifierKey());
    await s.record('loans', ['a']);
    await checkpointChains(s.deps([]));
    const note = text(await s.harness.deps.archive.get(checkpointKey('loans', 1)));
    const post = (body: string) =>
      fetch(`${witness.server.url}/add-checkpoint`, { method: 'POST', body });

    expect((await post(`old 0\n\n${note}`)).status).toBe(404);
    const impostor = note.replace('audit-trail.local/loans', 'someone.else/loans');
    expect((await post(`old 0\n\n${impostor}`)).status).toBe(403);
    expect((await post('nonsense')).status).toBe(400);
  });

  it('cosign the index log, stored beside each index, and the verifier requires it', async () => {
    const s = await setUp();
    const w1 = await startWitness(await witnessDir(), await s.signer.verifierKey());
    const w2 = await startWitness(await witnessDir(), await s.signer.verifierKey());
    await s.record('loans', ['a', 'b']);
    await checkpointChains(s.deps([w1, w2]));
    await s.record('claims', ['x']);
    await checkpointChains(s.deps([w1])); // index 2: only w1 asked

    const note = text(await s.harness.deps.archive.get(indexNoteKey(2)));
    const cosig = text(await s.harness.deps.archive.get(indexCosigKey(2)));
    // The note stays as the log signed it (the next index links to its bytes).
    expect(verifyCosignatures(note, [w1.vkey])).toEqual([]);
    expect(verifyCosignatures(`${note}${cosig}`, [w1.vkey, w2.vkey])).toHaveLength(1);
    expect(s.log.lines.filter((l) => l.level === 'warn')).toEqual([]);

    const one = await verifyArchive(s.harness.deps.archive, { witnessKeys: [w1.vkey] });
    expect(one.faults).toEqual([]);
    const two = await verifyArchive(s.harness.deps.archive, {
      witnessKeys: [w1.vkey, w2.vkey],
      minWitnesses: 2,
    });
    // Index 2 and claims' checkpoint have w1 only; loans' newest checkpoint has both.
    expect(two.faults.map((f) => [f.kind, f.chain])).toEqual([
      ['unwitnessed', ''],
      ['unwitnessed', 'claims'],
    ]);
    expect(two.faults[0]?.detail).toMatch(/^the newest index \(2\) has 1 of 2 required/);
    // The same requirement through the parallel verifier's coordinator.
    const parallel = await verifyLocation(join(s.harness.dir, 'archive'), {
      workers: 2,
      witnessKeys: [w1.vkey, w2.vkey],
      minWitnesses: 2,
    });
    expect(parallel.faults.map((f) => [f.kind, f.chain])).toEqual([
      ['unwitnessed', ''],
      ['unwitnessed', 'claims'],
    ]);
    // Deleting every index does not get around the requirement.
    await rm(join(s.harness.dir, 'archive', 'index'), { recursive: true, force: true });
    const none = await verifyArchive(s.harness.deps.archive, { witnessKeys: [w1.vkey] });
    expect(none.faults.map((f) => [f.kind, f.detail])).toEqual([
      ['unwitnessed', 'no index of chains verified, so none is cosigned'],
    ]);
  });

  it('read the indexes once for all the witnesses that missed indexes', async () => {
    const s = await setUp();
    const vkey = await s.signer.verifierKey();
    const witnesses = [
      await startWitness(await witnessDir(), vkey),
      await startWitness(await witnessDir(), vkey),
    ];
    await s.record('loans', ['a']);
    await checkpointChains(s.deps(witnesses)); // index 1, cosigned by both
    for (const id of ['b', 'c']) {
      await s.record('loans', [id]);
      await checkpointChains(s.deps([])); // indexes 2 and 3, not witnessed
    }
    await s.record('loans', ['d']);
    const got: string[] = [];
    const archive = {
      ...s.harness.deps.archive,
      get: (key: string) => {
        got.push(key);
        return s.harness.deps.archive.get(key);
      },
    };

    await checkpointChains({ ...s.deps(witnesses), archive }); // both: old 3 → 409 "1"

    const cosig = text(await s.harness.deps.archive.get(indexCosigKey(4)));
    const note = text(await s.harness.deps.archive.get(indexNoteKey(4)));
    expect(
      verifyCosignatures(
        `${note}${cosig}`,
        witnesses.map((w) => w.vkey),
      ),
    ).toHaveLength(2);
    // Index 2's note: once while looking for the newest index, once for the proof (which
    // both witnesses share).
    expect(got.filter((k) => k === indexNoteKey(2))).toHaveLength(2);
  });

  it('refuse a fork of the index log and a rollback, also after a restart', async () => {
    const honest = await setUp();
    const keys = join(honest.harness.dir, 'keys');
    const dir = await witnessDir();
    const first = await startWitness(dir, await honest.signer.verifierKey());
    await honest.record('loans', ['a']);
    await checkpointChains(honest.deps([first]));
    const indexOne = text(await honest.harness.deps.archive.get(indexNoteKey(1)));
    await honest.record('claims', ['x']);
    await checkpointChains(honest.deps([first])); // the witness has cosigned index 2
    await first.server.close();
    const witness = await startWitness(dir, await honest.signer.verifierKey());

    // The operator, with the same key, writes another history of indexes elsewhere.
    const forked = await setUp(keys);
    await forked.record('loans', ['a']);
    await checkpointChains(forked.deps([]));
    await forked.record('loans', ['b']);
    await checkpointChains(forked.deps([]));
    await forked.record('loans', ['c']);
    await checkpointChains(forked.deps([witness])); // index 3, proof from 2

    // (Its chain `loans` differs from the honest one too: that refusal is the test above's.)
    const refusals = forked.log.lines.filter(
      (l) =>
        l.message === 'witness refused the checkpoint' &&
        String(l.fields?.reason).includes('/+index'),
    );
    expect(refusals.map((r) => [r.fields?.status, r.fields?.reason])).toEqual([
      [422, 'fork: audit-trail.local/+index at size 3 is not consistent with the cosigned size 2'],
    ]);
    expect(await forked.harness.deps.archive.get(indexCosigKey(3))).toBeUndefined();
    // A rollback to index 1: the witness keeps size 2.
    const post = (body: string) =>
      fetch(`${witness.server.url}/add-checkpoint`, { method: 'POST', body });
    const rollback = await post(`old 0\n\n${indexOne}`);
    expect(rollback.status).toBe(409);
    expect(await rollback.text()).toBe('2\n');
    expect((await post(`old 2\n\n${indexOne}`)).status).toBe(400);
  });
});
