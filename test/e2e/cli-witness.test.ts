import { type ChildProcess, spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { checkpointKey, indexCosigKey, indexNoteKey } from '#core/archive/layout.ts';
import { buildArchive } from '#test/helpers/archive-builder.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { until } from '#test/helpers/until.ts';
import { runCliInProcess } from './support/cli-in-process.ts';

// The witness commands as a user runs them: `witness serve` cosigns a checkpoint POSTed to
// it, `witness add` records a witness for the dev runtime, and `verify --witness-key`
// requires its cosignature.
const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'audit-trail.ts');
let dir: string;
let server: ChildProcess | undefined;

afterEach(async () => {
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  server = undefined;
  await removeDir(dir);
});

// verify and witness add in this process (support/cli-in-process.ts); the server is a process.
const cli = (...args: string[]) => runCliInProcess(args, { cwd: dir });

describe('audit-trail witness', () => {
  it('serves cosignatures that verify --witness-key accepts, and add records the witness', async () => {
    dir = await tempDir('cli-witness-');
    const signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
    const archive = openFileArchive(join(dir, 'archive'));
    await buildArchive(archive, { signer, index: true, chains: [{ chain: 'loans', records: 5 }] });
    const logKey = join(dir, 'log.vkey');
    await writeFile(logKey, `${await signer.verifierKey()}\n`);

    let out = '';
    server = spawn(
      process.execPath,
      [bin, 'witness', 'serve', '--dir', join(dir, 'w'), '--log', logKey, '--port', '0'],
      { cwd: dir },
    );
    server.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await until(() => /witness key: (\S+)\n/.test(out), 30_000);
    const url = /listening on (\S+)\n/.exec(out)?.[1] ?? '';
    const vkey = /witness key: (\S+)\n/.exec(out)?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const key = checkpointKey('loans', 5);
    const note = await readFile(join(dir, 'archive', key), 'utf8');
    const answer = await fetch(`${url}/add-checkpoint`, {
      method: 'POST',
      body: `old 0\n\n${note}`,
    });
    expect(answer.status).toBe(200);
    const cosigned = `${note}${await answer.text()}`;
    // The index of chains is cosigned the same way; its lines are stored beside it.
    const indexNote = await readFile(join(dir, 'archive', indexNoteKey(1)), 'utf8');
    const indexAnswer = await fetch(`${url}/add-checkpoint`, {
      method: 'POST',
      body: `old 0\n\n${indexNote}`,
    });
    expect(indexAnswer.status).toBe(200);
    const indexCosig = await indexAnswer.text();
    const copy = openFileArchive(join(dir, 'cosigned'));
    await buildArchive(copy, { signer, chains: [] });
    await writeFile(join(dir, 'witness.vkey'), `${vkey}\n`);

    const without = await cli('verify', 'archive', '--witness-key', 'witness.vkey', '--json');
    expect(without.status).toBe(1);
    expect(
      JSON.parse(without.stdout).faults.map((f: { kind: string; chain: string }) => [
        f.kind,
        f.chain,
      ]),
    ).toEqual([
      ['unwitnessed', ''],
      ['unwitnessed', 'loans'],
    ]);
    await copy.put(key, Buffer.from(cosigned));
    await cp(join(dir, 'archive', 'index'), join(dir, 'cosigned', 'index'), { recursive: true });
    await copy.put(indexCosigKey(1), Buffer.from(indexCosig));
    const segments = join(dir, 'archive', 'chains', 'loans', 'segments');
    await cp(segments, join(dir, 'cosigned', 'chains', 'loans', 'segments'), { recursive: true });
    const withIt = await cli('verify', 'cosigned', '--witness-key', 'witness.vkey');
    expect(withIt.stderr).toBe('');
    expect(withIt.status).toBe(0);
    expect(
      (await cli('verify', 'cosigned', '--witness-key', 'witness.vkey', '--min-witnesses', '2'))
        .status,
    ).toBe(2);

    const added = await cli('witness', 'add', url, vkey, '--data', join(dir, 'data'));
    expect(added.status).toBe(0);
    const config = JSON.parse(await readFile(join(dir, 'data', 'witnesses.json'), 'utf8'));
    expect(config).toEqual([{ url, vkey }]);
    expect(
      (await cli('witness', 'add', url, 'not-a-key', '--data', join(dir, 'data'))).status,
    ).toBe(2);
  });
});
