import { spawnSync } from 'node:child_process';
import { chmod, cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { segmentKey } from '#core/archive/layout.ts';
import type { ProofFile } from '#core/verify/proof.ts';
import { buildArchive } from '#test/helpers/archive-builder.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { runCliInProcess } from './support/cli-in-process.ts';

const repo = join(import.meta.dirname, '..', '..');
let dir: string;
let archive: string;
let vkeyFile: string;
let strangerFile: string;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI as a user would: a new Node (22) process. */
const spawnedCli = (...args: string[]): Run => {
  const run = spawnSync(process.execPath, [join(repo, 'bin', 'audit-trail.ts'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, AUDIT_TRAIL_DATA: join(dir, 'no-such-data') },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

/** The same commands in this process (support/cli-in-process.ts): same exit codes and output,
 * without a Node start-up per command. */
const cli = (...args: string[]): Promise<Run> =>
  runCliInProcess(args, { cwd: dir, env: { AUDIT_TRAIL_DATA: join(dir, 'no-such-data') } });

/** A copy of the archive with one byte of segment 0 of app-1 changed. */
const tamperedCopy = async (name: string, from: string, to: string): Promise<string> => {
  const copy = join(dir, name);
  await cp(archive, copy, { recursive: true });
  const file = join(copy, ...segmentKey('app-1', 0).split('/'));
  const text = await readFile(file, 'utf8');
  expect(text).toContain(from);
  await chmod(file, 0o644);
  await writeFile(file, text.replace(from, to));
  return copy;
};

beforeAll(async () => {
  dir = await tempDir('cli-verify-');
  archive = join(dir, 'archive');
  const signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
  const stranger = await loadOrCreateEd25519Signer(join(dir, 'stranger'));
  const built = await buildArchive(openFileArchive(archive), {
    signer,
    chains: [
      { chain: 'app-1', records: 60, checkpoints: [30, 50] },
      { chain: 'app-2', records: 10 },
    ],
  });
  vkeyFile = join(dir, 'signer.vkey');
  await writeFile(vkeyFile, `${built.vkey}\n`);
  strangerFile = join(dir, 'stranger.vkey');
  await writeFile(strangerFile, `${await stranger.verifierKey()}\n`);
});
afterAll(async () => {
  await removeDir(dir);
});

describe('audit-trail verify', () => {
  it.each([
    { flags: [], key: 'key NOT pinned' },
    { flags: ['--public-key', 'signer.vkey'], key: 'key pinned' },
  ])('exits 0 with "clean" on an untouched archive ($key)', ({ flags, key }) => {
    // Act
    const run = spawnedCli(
      'verify',
      archive,
      ...flags.map((f) => (f.endsWith('.vkey') ? vkeyFile : f)),
    );

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^clean: 2 chains, 70 records, 3 checkpoints verified \(/);
    expect(run.stdout).toContain(key);
    expect(run.stdout).toContain('10 records after the latest checkpoint');
  });

  it('prints the JSON report', async () => {
    // Act
    const run = await cli('verify', archive, '--json');

    // Assess
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: true,
      chains: 2,
      records: 70,
      checkpoints: 3,
      pinned: false,
      faults: [],
    });
  });

  it('exits 1 and names chain, seq and kind when one byte changed', async () => {
    // Prepare
    const copy = await tamperedCopy('tampered', '"applicant-7"', '"applicant-8"');

    // Act
    const human = await cli('verify', copy);
    const json = await cli('verify', copy, '--json');

    // Assess
    expect(human.status).toBe(1);
    expect(human.stdout).toMatch(/^FAULTS: 1 fault in 2 chains/);
    expect(human.stdout).toMatch(/app-1\s+7\s+modified\s+the body does not match body_hash/);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      faults: [{ chain: 'app-1', seq: 7, kind: 'modified', detail: expect.any(String) }],
    });
  });

  it('reports every checkpoint as bad_signature under a key that did not sign it', async () => {
    // Act
    const run = await cli('verify', archive, '--json', '--public-key', strangerFile);

    // Assess
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { faults: { kind: string }[]; pinned: boolean };
    expect(report.pinned).toBe(true);
    expect(report.faults.map((f) => f.kind)).toEqual([
      'bad_signature',
      'bad_signature',
      'bad_signature',
    ]);
  });

  it.each([
    { name: 'a missing directory', args: ['verify', 'no-such-dir'], message: /not a directory/ },
    { name: 'a directory that is no archive', args: ['verify', '.'], message: /not an archive/ },
    { name: 'no archive argument', args: ['verify'], message: /missing required argument/ },
    {
      name: 'an unreadable key file',
      args: ['verify', 'archive', '--public-key', 'nope'],
      message: /ENOENT/,
    },
  ])('exits 2 for $name', async ({ args, message }) => {
    // Act
    const run = await cli(...args);

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('audit-trail prove and verify-proof', () => {
  it('round-trips a proof, pinned or not', async () => {
    // Prepare
    const out = join(dir, 'proof-7.json');

    // Act
    const prove = await cli('prove', 'app-1-evt-7', '--archive', archive, '--out', out);
    const unpinned = await cli('verify-proof', out);
    const pinned = await cli('verify-proof', out, '--public-key', vkeyFile);

    // Assess
    expect(prove.status).toBe(0);
    const proof = JSON.parse(await readFile(out, 'utf8'));
    expect(proof).toMatchObject({
      v: 1,
      event_id: 'app-1-evt-7',
      chain: 'app-1',
      seq: 7,
      tree_size: 50,
    });
    expect(proof.record.body).toBeUndefined();
    expect(unpinned.status).toBe(0);
    expect(unpinned.stdout).toMatch(/^valid: event app-1-evt-7 is record 7 of chain app-1/);
    expect(unpinned.stdout).toContain('key NOT pinned');
    expect(pinned.status).toBe(0);
    expect(pinned.stdout).toContain('key pinned');
  });

  it('prints the proof on stdout by default, from --data', async () => {
    // Act
    const run = await cli('prove', 'app-2-evt-3', '--data', dir);

    // Assess
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ chain: 'app-2', seq: 3, tree_size: 10 });
  });

  it.each([
    {
      name: 'a changed record field',
      edit: (p: ProofFile): ProofFile => ({
        ...p,
        record: { ...p.record, kind: 'decision' as const },
      }),
      reason: /record does not match its hash/,
    },
    {
      name: 'a changed audit path',
      edit: (p: ProofFile): ProofFile => ({ ...p, proof: [...p.proof].reverse() }),
      reason: /does not lead to the signed root/,
    },
    {
      name: 'another record swapped in',
      edit: (p: ProofFile): ProofFile => ({ ...p, seq: 8, leaf_index: 8 }),
      reason: /does not match the event_id, chain and seq/,
    },
  ])('rejects a proof with $name', async ({ edit, reason }) => {
    // Prepare
    const out = join(dir, 'proof-tamper.json');
    expect((await cli('prove', 'app-1-evt-7', '--archive', archive, '--out', out)).status).toBe(0);
    await writeFile(out, JSON.stringify(edit(JSON.parse(await readFile(out, 'utf8')))));

    // Act
    const run = await cli('verify-proof', out, '--public-key', vkeyFile);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(reason);
  });

  it('rejects a proof under a key that did not sign its checkpoint', async () => {
    // Prepare
    const out = join(dir, 'proof-stranger.json');
    expect((await cli('prove', 'app-1-evt-7', '--archive', archive, '--out', out)).status).toBe(0);

    // Act
    const run = await cli('verify-proof', out, '--public-key', strangerFile);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^INVALID: the checkpoint signature does not verify/);
  });

  it.each([
    { name: 'an unknown event', id: 'nope', message: /no record with event_id "nope"/ },
    { name: 'a record after the latest checkpoint', id: 'app-1-evt-55', message: /not covered/ },
  ])('exits 1 to prove $name', async ({ id, message }) => {
    // Act
    const run = await cli('prove', id, '--archive', archive);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
  });
});
