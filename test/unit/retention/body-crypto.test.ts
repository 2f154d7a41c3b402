import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { formatRecordLine } from '#core/archive/record-line.ts';
import { canonicalJson } from '#core/chain/canonical.ts';
import { checkRecord, sealRecord, storedWithBody } from '#core/chain/hash.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import {
  decryptBody,
  deriveRecordKey,
  encryptBody,
  periodKeyId,
  recordKeyFrom,
  recordKeyId,
  sealBodyWithText,
  subjectKeyId,
} from '#core/retention/body-crypto.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import { checkSealedBody } from '#core/verify/sealed-bodies.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { v2Envelope } from '#test/helpers/v2-envelope.ts';

const p = randomBytes(32);
const s = randomBytes(32);
const plain = sealRecord(v2Envelope(), { user: { id: 'u-1' }, text: 'hello' });
const sealed = encryptBody(
  deriveRecordKey(p, s, 'app', 3),
  plain,
  'kind=inference/2026-01-01',
  'u:abc',
  plain.body_salt as string,
  canonicalJson(plain.body),
);
const stored: LedgerRecord = storedWithBody(plain, sealed);
const keys = (ids: Record<string, Uint8Array>) => new Map(Object.entries(ids));
const both = { [periodKeyId(sealed.p)]: p, [subjectKeyId(sealed.s)]: s };

describe('layout v2 bodies', () => {
  it('keeps the record hash: body_enc is outside the envelope', () => {
    expect(stored.hash).toBe(plain.hash);
    expect(checkRecord(stored)).toEqual({ hash: true, body: 'sealed' });
    expect(JSON.stringify(stored)).not.toContain('hello');
  });

  it('opens with both keys and checks against body_hash', async () => {
    const key = recordKeyFrom(stored, sealed, keys(both));
    expect(decryptBody(key as Uint8Array, stored, sealed)?.text).toBe(canonicalJson(plain.body));
    expect(await checkSealedBody(stored, { get: async () => keys(both) })).toBe('ok');
  });

  it.each([
    ['period key', { [subjectKeyId(sealed.s)]: s }],
    ['subject key', { [periodKeyId(sealed.p)]: p }],
  ])('is unreadable once the %s is destroyed', async (_, left) => {
    expect(recordKeyFrom(stored, sealed, keys(left))).toBeUndefined();
    expect(await checkSealedBody(stored, { get: async () => keys(left) })).toBe('absent');
  });

  it('opens with an escrowed record key alone', () => {
    const escrow = { [recordKeyId('app', 3)]: deriveRecordKey(p, s, 'app', 3) };
    const key = recordKeyFrom(stored, sealed, keys(escrow));
    expect(decryptBody(key as Uint8Array, stored, sealed)).toBeDefined();
  });

  it('refuses a ciphertext moved to another record (AAD binds chain, seq, body_hash)', async () => {
    const moved = { ...stored, seq: 4 };
    const key = deriveRecordKey(p, s, 'app', 3);
    expect(decryptBody(key, moved, sealed)).toBeUndefined();
    const tampered = {
      ...stored,
      body_enc: { ...sealed, ct: Buffer.from('x'.repeat(40)).toString('base64') },
    };
    expect(await checkSealedBody(tampered, { get: async () => keys(both) })).toBe('mismatch');
  });

  it('derives the record key as HMAC-SHA256(period key ‖ subject key, info) as documented', () => {
    const hmac = (chain: string, seq: number) =>
      createHmac('sha256', Buffer.concat([p, s]))
        .update(`ai-audit-trail/body-key/v2\n${chain}\n${seq}\u0001`, 'utf8')
        .digest();
    for (const [chain, seq] of [
      ['app', 3],
      ['tenant/é-app#2', 0],
      ['c'.repeat(3000), 12],
    ] as const) {
      expect(deriveRecordKey(p, s, chain, seq)).toEqual(hmac(chain, seq));
    }
    expect(() => deriveRecordKey(p, s.subarray(0, 16), 'app', 3)).toThrow(RangeError);
  });

  it('makes the body_enc text with the seal: its canonical JSON, opening as sealBody’s would', () => {
    for (const [period, subject] of [
      ['kind=inference/2026-01-01', 'u:abc'],
      ['rule "q"\\é\u2028/2026-01-01', 'rec:tenant/é-app#\u0001'],
    ] as const) {
      const where = { chain: 'app', seq: 3, body_hash: plain.body_hash };
      const salt = plain.body_salt as string;
      const { sealed: made, text } = sealBodyWithText(p, s, where, period, subject, salt, 'x');
      expect(text).toBe(canonicalJson(made));
      expect(made).toEqual({ ct: made.ct, iv: made.iv, p: period, s: subject, v: 2 });
      const opened = decryptBody(deriveRecordKey(p, s, 'app', 3), stored, made);
      expect(opened).toEqual({ salt, text: 'x' });
    }
  });

  it('archives body_enc as its canonical JSON, whatever the member order it was read in', () => {
    const line = formatRecordLine(stored);
    expect(line.endsWith(`,"body_enc":${canonicalJson(sealed)}}`)).toBe(true);
    const { v, ...rest } = sealed;
    const reordered = { ...stored, body_enc: { v, ...rest } };
    expect(formatRecordLine(reordered)).toBe(line);
    const odd = { ...stored, body_enc: { ...sealed, extra: { b: 1, a: 2 } } as never };
    expect(formatRecordLine(odd)).toContain(`"extra":{"a":2,"b":1}`);
  });

  it('builds a record sealed as it hashes it: the same hashes, stored bytes and opening as sealing afterwards', async () => {
    // Prepare: one record built sealed (as the processor does), one built plain then sealed
    const dir = await tempDir('body-crypto-');
    const sealer = await createBodySealer(DEFAULT_RETENTION_RULES, await openFileBodyKeys(dir));
    const envelope = v2Envelope();
    const body = { user: { id: 'u-1' }, text: 'hello' };
    const salt = plain.body_salt as string;

    // Act
    const [encrypt] = await sealer.encrypters([{ ...envelope, body }]);
    const direct = sealRecord(envelope, body, salt, encrypt);
    const [after] = await sealer.seal([sealRecord(envelope, body, salt)]);

    // Assess: what is hashed is unchanged, no plaintext is kept, and both open alike
    expect([direct.hash, direct.body_hash]).toEqual([plain.hash, plain.body_hash]);
    expect(direct).not.toHaveProperty('body');
    expect(direct).not.toHaveProperty('body_salt');
    expect(JSON.stringify(direct)).not.toContain('hello');
    expect(checkRecord(direct)).toEqual({ hash: true, body: 'sealed' });
    // The same members, in canonical order
    expect(Object.keys(direct)).toEqual(Object.keys(after as LedgerRecord).sort());
    const line = formatRecordLine(direct);
    expect(line).toBe(formatRecordLine(JSON.parse(JSON.stringify(direct))));
    expect(line.endsWith(`,"body_enc":${canonicalJson(direct.body_enc)}}`)).toBe(true);
    expect((await sealer.open(direct)).body).toEqual(body);
    expect((await sealer.open(after as LedgerRecord)).body).toEqual(body);
    await removeDir(dir);
  });
});
