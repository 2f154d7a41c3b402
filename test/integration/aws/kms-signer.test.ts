import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
} from 'node:crypto';
import {
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { KmsSigner, UnsupportedKeyError } from '#adapters/aws/kms-signer.ts';
import { formatVerifierKey, openNote, parseVerifierKey, signNote } from '#core/chain/note.ts';

// KMS has no local implementation: the client is mocked, but the signatures are real
// Ed25519 signatures of a key pair made here, so the notes must truly verify.
const kms = mockClient(KMSClient);

afterEach(() => {
  kms.reset();
});

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A fresh key pair, or a fixed one from a 32-byte seed. */
const keyPair = (seed?: Buffer) => {
  const { publicKey, privateKey } = seed
    ? (() => {
        const privateKey = createPrivateKey({
          key: Buffer.concat([PKCS8_ED25519, seed]),
          format: 'der',
          type: 'pkcs8',
        });
        return { privateKey, publicKey: createPublicKey(privateKey) };
      })()
    : generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return { spki, raw, privateKey };
};

/** KMS as it answers for an ECC_NIST_EDWARDS25519 SIGN_VERIFY key. */
const edwardsKey = (seed?: Buffer) => {
  const pair = keyPair(seed);
  kms.on(GetPublicKeyCommand, { KeyId: 'alias/checkpoints' }).resolves({
    KeyId: 'arn:aws:kms:eu-west-1:111122223333:key/abc',
    KeySpec: 'ECC_NIST_EDWARDS25519',
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
    PublicKey: new Uint8Array(pair.spki),
  });
  kms.on(SignCommand).callsFake((input: SignCommandInput) => {
    if (input.SigningAlgorithm !== 'ED25519_SHA_512' || input.MessageType !== 'RAW') {
      throw new Error(`unexpected signing request ${input.SigningAlgorithm}/${input.MessageType}`);
    }
    return {
      Signature: new Uint8Array(sign(null, Buffer.from(input.Message ?? []), pair.privateKey)),
    };
  });
  return pair;
};

const signer = () =>
  new KmsSigner({
    client: new KMSClient({ region: 'eu-west-1' }),
    keyId: 'alias/checkpoints',
    keyName: 'audit-trail.example',
  });

describe('KmsSigner', () => {
  it('publishes a C2SP verifier key holding the raw Ed25519 public key', async () => {
    // Prepare
    const pair = edwardsKey();

    // Act
    const vkey = await signer().verifierKey();

    // Assess
    const parsed = parseVerifierKey(vkey);
    expect(parsed.name).toBe('audit-trail.example');
    expect(parsed.alg).toBe(1);
    expect(Buffer.from(parsed.publicKey)).toEqual(pair.raw);
    expect(vkey.startsWith('audit-trail.example+')).toBe(true);
  });

  it('signs notes that verify with the verifier key, and not with another', async () => {
    // Prepare
    edwardsKey();
    const kmsSigner = signer();
    const text =
      'audit-trail.example/chain/app\n42\nq6zF0pGkAbmbP6M4qYVhXqyKXhzGdy8Z0bB7Y5pFk5g=\n';

    // Act
    const note = await signNote(text, kmsSigner);

    // Assess
    expect(openNote(note, await kmsSigner.verifierKey())).toEqual({ text, verified: true });
    const other = keyPair();
    const foreign = formatVerifierKey('audit-trail.example', other.raw);
    expect(openNote(note, foreign).verified).toBe(false);
    expect(kms.commandCalls(SignCommand)[0]?.args[0].input).toMatchObject({
      KeyId: 'alias/checkpoints',
      SigningAlgorithm: 'ED25519_SHA_512',
      MessageType: 'RAW',
    });
  });

  it('signs with a key whose base64 holds a `+` (half of all keys do)', async () => {
    // Prepare
    const seed = [...Array(64).keys()]
      .map((i) => createHash('sha256').update(`seed-${i}`).digest())
      .find((candidate) => {
        const raw = keyPair(candidate).raw;
        return Buffer.concat([Buffer.from([1]), raw])
          .toString('base64')
          .includes('+');
      });
    edwardsKey(seed);
    const kmsSigner = signer();
    const text = 'audit-trail.example/chain/app\n1\nAAAA\n';

    // Act
    const note = await signNote(text, kmsSigner);

    // Assess
    const vkey = await kmsSigner.verifierKey();
    expect(vkey.split('+').length).toBeGreaterThan(3);
    expect(openNote(note, vkey)).toEqual({ text, verified: true });
  });

  it('fetches the public key once', async () => {
    // Prepare
    edwardsKey();
    const kmsSigner = signer();

    // Act
    await Promise.all([kmsSigner.verifierKey(), kmsSigner.verifierKey()]);
    await kmsSigner.verifierKey();

    // Assess
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });

  it.each([
    ['an RSA key', 'RSA_2048', ['RSASSA_PSS_SHA_256']],
    ['a P-256 key', 'ECC_NIST_P256', ['ECDSA_SHA_256']],
  ] as const)('refuses %s', async (_, keySpec, algorithms) => {
    // Prepare
    kms.on(GetPublicKeyCommand).resolves({
      KeySpec: keySpec,
      SigningAlgorithms: [...algorithms],
      PublicKey: new Uint8Array(keyPair().spki),
    });

    // Act
    const attempt = signer().verifierKey();

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedKeyError);
  });
});
