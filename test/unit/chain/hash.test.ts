import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatRecordLine } from '#core/archive/record-line.ts';
import { canonicalJson } from '#core/chain/canonical.ts';
import {
  BODY_TAG,
  bodyHash,
  checkRecord,
  envelopeOf,
  InvalidHashError,
  InvalidSaltError,
  leafData,
  newSalt,
  RECORD_TAG,
  recordHash,
  sealRecord,
} from '#core/chain/hash.ts';
import { GENESIS_PREV, type LedgerRecord, type RecordEnvelope } from '#core/chain/record.ts';

const SALT = '00112233445566778899aabbccddeeff';

const envelope: Omit<RecordEnvelope, 'body_hash'> = {
  chain: 'loan-app',
  seq: 7,
  kind: 'decision',
  event_id: 'dec-123',
  ingested_at: '2025-03-01T12:00:00.000Z',
  occurred_at: '2025-03-01T11:59:59.500Z',
  policy: { version: 'none', decision: 'pass', findings: [] },
  prev: 'ab'.repeat(32),
};
const body = { application_id: 'loan-app', output: { decision: 'approve', reason: 'score 712' } };

const sha256Hex = (...parts: (string | Buffer)[]): string => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest('hex');
};

/** A record changed in one place, behind the type system's back as an attacker would. */
const tamper = (record: LedgerRecord, change: Record<string, unknown>): LedgerRecord =>
  ({ ...record, ...change }) as LedgerRecord;

describe('domain tags', () => {
  it('are the v1 tags, newline-terminated', () => {
    expect([RECORD_TAG, BODY_TAG]).toEqual([
      'ai-audit-trail/record/v1\n',
      'ai-audit-trail/body/v1\n',
    ]);
  });
});

describe('bodyHash', () => {
  it('is SHA-256 over body tag, salt bytes and canonical body', () => {
    // Prepare
    const expected = sha256Hex(BODY_TAG, Buffer.from(SALT, 'hex'), canonicalJson(body));

    // Act / Assess
    expect(bodyHash(body, SALT)).toBe(expected);
  });

  it('hashes large bodies the same way', () => {
    // Prepare
    const large = { text: 'ü'.repeat(100_000) };
    const expected = sha256Hex(BODY_TAG, Buffer.from(SALT, 'hex'), canonicalJson(large));

    // Act / Assess
    expect(bodyHash(large, SALT)).toBe(expected);
  });

  it('makes equal bodies hash differently under different salts', () => {
    expect(bodyHash(body, newSalt())).not.toBe(bodyHash(body, newSalt()));
  });

  it.each([
    ['empty', ''],
    ['uppercase', SALT.toUpperCase()],
    ['too short', SALT.slice(2)],
    ['too long', `${SALT}00`],
    ['not hex', 'zz'.repeat(16)],
  ])('refuses a salt that is %s', (_name, salt) => {
    expect(() => bodyHash(body, salt)).toThrow(InvalidSaltError);
  });
});

describe('newSalt', () => {
  it('gives 16 fresh random bytes as lowercase hex', () => {
    // Act
    const salts = new Set(Array.from({ length: 100 }, newSalt));

    // Assess
    expect(salts.size).toBe(100);
    for (const salt of salts) expect(salt).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('recordHash and envelopeOf', () => {
  it('is SHA-256 over record tag and the canonical envelope', () => {
    // Prepare
    const sealed = { ...envelope, body_hash: 'cd'.repeat(32) };

    // Act / Assess
    expect(recordHash(sealed)).toBe(sha256Hex(RECORD_TAG, canonicalJson(sealed)));
  });

  it('keeps the v1 record hash of a fixed record (changing it breaks every archive)', () => {
    const record = sealRecord({ ...envelope, prev: GENESIS_PREV, seq: 0 }, body, SALT);
    expect([record.body_hash, record.hash]).toEqual([
      sha256Hex(
        BODY_TAG,
        Buffer.from(SALT, 'hex'),
        '{"application_id":"loan-app","output":{"decision":"approve","reason":"score 712"}}',
      ),
      sha256Hex(
        RECORD_TAG,
        `{"body_hash":"${record.body_hash}","chain":"loan-app","event_id":"dec-123",` +
          '"ingested_at":"2025-03-01T12:00:00.000Z","kind":"decision",' +
          '"occurred_at":"2025-03-01T11:59:59.500Z",' +
          '"policy":{"decision":"pass","findings":[],"version":"none"},' +
          `"prev":"${GENESIS_PREV}","seq":0}`,
      ),
    ]);
  });

  it('leaves out hash, body, body_salt and body_ref', () => {
    // Prepare
    const record = { ...sealRecord(envelope, body), body_ref: { uri: 's3://b/k', size: 9 } };

    // Act
    const keys = Object.keys(envelopeOf(record)).sort();

    // Assess
    expect(keys).toEqual([
      'body_hash',
      'chain',
      'event_id',
      'ingested_at',
      'kind',
      'occurred_at',
      'policy',
      'prev',
      'seq',
    ]);
    expect(recordHash(record)).toBe(record.hash);
  });

  it('treats an optional field set to undefined as absent', () => {
    // Prepare
    const { occurred_at: _, ...withoutOccurred } = { ...envelope, body_hash: SALT + SALT };
    const withUndefined = {
      ...withoutOccurred,
      occurred_at: undefined,
    } as unknown as RecordEnvelope;

    // Act / Assess
    expect(recordHash(withUndefined)).toBe(recordHash(withoutOccurred));
    expect(Object.keys(envelopeOf(withUndefined))).not.toContain('occurred_at');
  });
});

describe('sealRecord', () => {
  it('returns a record carrying body, salt, body hash and hash that checks out', () => {
    // Act
    const record = sealRecord(envelope, body, SALT);

    // Assess
    expect(record).toMatchObject({ ...envelope, body, body_salt: SALT });
    expect(record.body_hash).toBe(bodyHash(body, SALT));
    expect(record.hash).toBe(recordHash(record));
    expect(checkRecord(record)).toEqual({ hash: true, body: 'ok' });
  });

  it('is deterministic for a given salt and salts freshly otherwise', () => {
    expect(sealRecord(envelope, body, SALT).hash).toBe(sealRecord(envelope, body, SALT).hash);
    expect(sealRecord(envelope, body).hash).not.toBe(sealRecord(envelope, body).hash);
  });

  it('archives the very texts it hashed (the line equals one built from scratch)', () => {
    // Prepare
    const record = sealRecord(envelope, { z: 1, a: { y: 2, b: 3 } });
    // Act
    const line = formatRecordLine(record);
    // Assess: a structured clone is not the sealed object, so its line is computed anew.
    expect(line).toBe(formatRecordLine(structuredClone(record)));
  });

  it('lays the record out in canonical key order', () => {
    // Act
    const record = sealRecord(envelope, { z: 1, a: { y: 2, b: 3 } });

    // Assess
    expect(JSON.stringify(record)).toBe(canonicalJson(record));
  });
});

describe('checkRecord', () => {
  const record = sealRecord(envelope, body, SALT);

  it.each<[string, Record<string, unknown>]>([
    ['chain', { chain: 'other-app' }],
    ['seq', { seq: 8 }],
    ['kind', { kind: 'inference' }],
    ['event_id', { event_id: 'dec-124' }],
    ['ingested_at', { ingested_at: '2025-03-01T12:00:00.001Z' }],
    ['occurred_at', { occurred_at: '2025-03-01T11:59:59.501Z' }],
    ['occurred_at (removed)', { occurred_at: undefined }],
    ['body_hash', { body_hash: bodyHash({ other: true }, SALT) }],
    ['policy.version', { policy: { ...envelope.policy, version: 'p2' } }],
    ['policy.decision', { policy: { ...envelope.policy, decision: 'block' } }],
    ['policy.findings', { policy: { ...envelope.policy, findings: [{ rule_id: 'r' }] } }],
    ['policy.client_reported', { policy: { ...envelope.policy, client_reported: { ok: 1 } } }],
    ['ref (added)', { ref: { event_id: 'dec-100' } }],
    ['prev', { prev: 'ac'.repeat(32) }],
    ['a new field', { note: 'sneaked in' }],
  ])('notices a change of %s in the hash', (_field, change) => {
    // Act
    const check = checkRecord(tamper(record, change));

    // Assess
    expect(check.hash).toBe(false);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a body value', { body: { ...body, output: { decision: 'deny', reason: 'score 712' } } }],
    ['a body key', { body: { application_id: 'loan-app', outputs: body.output } }],
    ['the salt', { body_salt: newSalt() }],
    ['a malformed salt', { body_salt: 'nope' }],
    ['a missing salt', { body_salt: undefined }],
    ['an unrepresentable body', { body: { n: Number.NaN } }],
  ])('reports a changed body (%s) as mismatch and the envelope as intact', (_name, change) => {
    expect(checkRecord(tamper(record, change))).toEqual({ hash: true, body: 'mismatch' });
  });

  it('keeps the hash valid when the body is purged', () => {
    // Prepare
    const { body: _body, body_salt: _salt, ...purged } = record;

    // Act / Assess
    expect(checkRecord(purged)).toEqual({ hash: true, body: 'absent' });
  });

  it('reports a body stored by reference as by_ref', () => {
    // Prepare
    const { body: _body, ...stored } = record;
    const byRef = { ...stored, body_ref: { uri: 's3://bodies/dec-123', size: 85 } };

    // Act / Assess
    expect(checkRecord(byRef)).toEqual({ hash: true, body: 'by_ref' });
  });

  it('accepts a record stored with its keys in any order', () => {
    // Prepare
    const reversed = (value: unknown): unknown =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(
            Object.entries(value)
              .reverse()
              .map(([k, v]) => [k, reversed(v)]),
          )
        : value;
    const shuffled = JSON.parse(JSON.stringify(reversed(record))) as LedgerRecord;

    // Act / Assess
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(record));
    expect(checkRecord(shuffled)).toEqual({ hash: true, body: 'ok' });
  });

  it('reports a garbage hash as a mismatch without throwing', () => {
    expect(checkRecord(tamper(record, { hash: 'not a hash', policy: { n: 1n } }))).toEqual({
      hash: false,
      body: 'ok',
    });
  });
});

describe('leafData', () => {
  it('is the 32 raw bytes of the record hash', () => {
    // Prepare
    const record = sealRecord(envelope, body);

    // Act
    const data = leafData(record);

    // Assess
    expect(data.length).toBe(32);
    expect(Buffer.from(data).toString('hex')).toBe(record.hash);
  });

  it.each(['', 'AB'.repeat(32), 'ab'.repeat(31), 'xy'.repeat(32)])('refuses hash %j', (hash) => {
    expect(() => leafData({ hash })).toThrow(InvalidHashError);
  });
});
