import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  loadOrCreateEd25519Signer,
  SIGNING_KEY_FILE,
  SigningKeyError,
} from '#adapters/local/ed25519-signer.ts';
import { openNote, parseVerifierKey, signNote } from '#core/chain/note.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

const TEXT = 'audit-trail.local/app\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n';

describe('loadOrCreateEd25519Signer', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await tempDir('ed25519-signer-');
  });

  afterEach(async () => {
    await removeDir(dir);
  });

  it('creates a PKCS#8 key file readable by its owner only', async () => {
    // Act
    await loadOrCreateEd25519Signer(join(dir, 'keys'));

    // Assess
    const path = join(dir, 'keys', SIGNING_KEY_FILE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await readdir(join(dir, 'keys'))).toEqual([SIGNING_KEY_FILE]);
  });

  it('publishes a verifier key for its name and public key', async () => {
    // Act
    const signer = await loadOrCreateEd25519Signer(dir, 'example.org/log');

    // Assess
    const key = parseVerifierKey(await signer.verifierKey());
    expect(signer.keyName).toBe('example.org/log');
    expect(key.name).toBe('example.org/log');
    expect(Buffer.from(key.publicKey).equals(Buffer.from(signer.publicKeyRaw))).toBe(true);
  });

  it('signs notes that verify under its verifier key', async () => {
    // Prepare
    const signer = await loadOrCreateEd25519Signer(dir);

    // Act
    const note = await signNote(TEXT, signer);

    // Assess
    expect(openNote(note, await signer.verifierKey())).toEqual({ text: TEXT, verified: true });
  });

  it('loads the same key on the next start', async () => {
    // Prepare
    const first = await loadOrCreateEd25519Signer(dir);

    // Act
    const second = await loadOrCreateEd25519Signer(dir);

    // Assess
    expect(await second.verifierKey()).toBe(await first.verifierKey());
  });

  it('creates exactly one key when several processes start together', async () => {
    // Act
    const signers = await Promise.all(
      Array.from({ length: 8 }, () => loadOrCreateEd25519Signer(dir)),
    );

    // Assess
    const vkeys = new Set(await Promise.all(signers.map((s) => s.verifierKey())));
    expect(vkeys.size).toBe(1);
    expect(await readdir(dir)).toEqual([SIGNING_KEY_FILE]);
  });

  it('refuses a key file holding another kind of key', async () => {
    // Prepare
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(
      join(dir, SIGNING_KEY_FILE),
      privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );

    // Act / Assess
    await expect(loadOrCreateEd25519Signer(dir)).rejects.toThrow(SigningKeyError);
  });
});
