import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ALG_ED25519,
  formatVerifierKey,
  keyId,
  NoteFormatError,
  openNote,
  parseVerifierKey,
  signNote,
} from '#core/chain/note.ts';
import type { SignerPort } from '#ports/signer.ts';

/** An in-memory Ed25519 signer. */
const testSigner = (keyName: string): SignerPort & { readonly vkey: string } => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  const vkey = formatVerifierKey(keyName, raw);
  return {
    keyName,
    vkey,
    verifierKey: async () => vkey,
    sign: async (message) => sign(null, message, privateKey as KeyObject),
  };
};

/** The example of golang.org/x/mod/sumdb/note, signed by Go's implementation. */
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const TEXT = 'audit-trail.local/app\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n';

/** Rewrites the key id and signature bytes of a note's last signature line. */
const editSignature = (note: string, edit: (blob: Buffer) => Buffer): string => {
  const lines = note.split('\n');
  const [prefix, name, b64] = (lines[lines.length - 2] as string).split(' ') as [
    string,
    string,
    string,
  ];
  lines[lines.length - 2] =
    `${prefix} ${name} ${edit(Buffer.from(b64, 'base64')).toString('base64')}`;
  return lines.join('\n');
};
const flipLastBit = (blob: Buffer): Buffer => {
  blob[blob.length - 1] = (blob[blob.length - 1] as number) ^ 1;
  return blob;
};

describe('verifier keys', () => {
  it('opens a note signed by the Go reference implementation', () => {
    expect(openNote(GO_NOTE, GO_VKEY)).toEqual({ text: GO_TEXT, verified: true });
  });

  it('parses the Go example key and derives its key id', () => {
    // Act
    const key = parseVerifierKey(GO_VKEY);

    // Assess
    expect(key.name).toBe('PeterNeumann');
    expect(key.alg).toBe(ALG_ED25519);
    expect(key.publicKey).toHaveLength(32);
    expect(Buffer.from(key.id).toString('hex')).toBe('c74f20a3');
    const algAndKey = new Uint8Array([ALG_ED25519, ...key.publicKey]);
    expect(Buffer.from(keyId(key.name, algAndKey)).toString('hex')).toBe('c74f20a3');
    expect(formatVerifierKey(key.name, key.publicKey)).toBe(GO_VKEY);
  });

  it.each([
    ['no separators', 'PeterNeumann'],
    ['an extra part', `${GO_VKEY}+x`],
    ['an empty name', GO_VKEY.replace('PeterNeumann', '')],
    ['a space in the name', GO_VKEY.replace('PeterNeumann', 'Peter Neumann')],
    ['a wrong key id', GO_VKEY.replace('c74f20a3', 'c74f20a4')],
    ['an uppercase key id', GO_VKEY.replace('c74f20a3', 'C74F20A3')],
    ['a short key id', GO_VKEY.replace('c74f20a3', 'c74f20')],
    ['a key that is not base64', GO_VKEY.replace('ARpc', '!Rpc')],
    [
      'a truncated Ed25519 key',
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10Q=',
    ],
    ['a name changed under the same key', GO_VKEY.replace('PeterNeumann', 'PeterNeuman')],
  ])('refuses a verifier key with %s', (_name, vkey) => {
    expect(() => parseVerifierKey(vkey)).toThrow(NoteFormatError);
  });

  it('refuses to format a key with a + in its name', () => {
    expect(() => formatVerifierKey('a+b', new Uint8Array(32))).toThrow(NoteFormatError);
  });
});

describe('signNote / openNote', () => {
  const signer = testSigner('audit-trail.local');
  const other = testSigner('audit-trail.local');
  const stranger = testSigner('someone.else');

  it('signs text that opens and verifies under the signer key', async () => {
    // Act
    const note = await signNote(TEXT, signer);

    // Assess
    expect(note.startsWith(`${TEXT}\n— audit-trail.local `)).toBe(true);
    expect(openNote(note, signer.vkey)).toEqual({ text: TEXT, verified: true });
  });

  it('ignores signatures by unknown keys', async () => {
    // Prepare
    const mine = await signNote(TEXT, signer);
    const theirs = await signNote(TEXT, stranger);
    const both = `${theirs}${mine.slice(TEXT.length + 1)}`;

    // Act / Assess
    expect(openNote(both, signer.vkey).verified).toBe(true);
    expect(openNote(both, stranger.vkey).verified).toBe(true);
  });

  it.each([
    ['another key of the same name', (note: string) => note, other.vkey, /no signature/],
    ['another key', (note: string) => note, stranger.vkey, /no signature/],
    [
      'a flipped signature bit',
      (note: string) => editSignature(note, flipLastBit),
      signer.vkey,
      /does not verify/,
    ],
    [
      'tampered text',
      (note: string) => note.replace('\n8\n', '\n9\n'),
      signer.vkey,
      /does not verify/,
    ],
    [
      'a truncated signature',
      (note: string) => editSignature(note, (b) => b.subarray(0, -1)),
      signer.vkey,
      /does not verify/,
    ],
  ])('does not verify a note under %s', async (_name, change, vkey, reason) => {
    // Prepare
    const note = change(await signNote(TEXT, signer));

    // Act
    const opened = openNote(note, vkey);

    // Assess
    expect(opened.verified).toBe(false);
    expect(opened.reason).toMatch(reason);
  });

  it.each([
    ['no signature block', TEXT],
    ['no final newline', GO_NOTE.slice(0, -1)],
    ['an empty signature block', `${GO_TEXT}\n`],
    ['a line without the em dash', GO_NOTE.replace('— ', '- ')],
    ['a line without signature', `${GO_TEXT}\n— PeterNeumann\n`],
    ['a signature that is not base64', GO_NOTE.replace('x08go', '*08go')],
    ['a signature of four bytes', `${GO_TEXT}\n— PeterNeumann AAAAAA==\n`],
    ['a control character', GO_NOTE.replace('problem,', 'problem,\t')],
    ['a lone surrogate', GO_NOTE.replace('problem,', 'problem,\ud800')],
    [
      'over 100 signatures',
      `${GO_TEXT}\n${'— x AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n'.repeat(101)}`,
    ],
  ])('throws NoteFormatError for a note with %s', (_name, note) => {
    expect(() => openNote(note, GO_VKEY)).toThrow(NoteFormatError);
  });

  it.each([
    ['text without final newline', 'origin\n8\nroot'],
    ['text with a control character', 'origin\r\n8\n'],
  ])('refuses to sign %s', async (_name, text) => {
    await expect(signNote(text, signer)).rejects.toThrow(NoteFormatError);
  });
});
