import { describe, expect, it } from 'vitest';
import { GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import { carryTerms, subjectTerm, TERM, termsOf } from '#core/search/terms.ts';
import { sealTestRecord } from '#test/helpers/archive-builder.ts';

const USER_SUBJECT = `u:${'ab12'.repeat(10)}`;

/** A record as layout v2 stores it, sealed under `subject`. */
const sealedUnder = (plain: LedgerRecord, subject: string): LedgerRecord => {
  const { body: _body, body_salt: _salt, ...rest } = plain;
  return {
    ...rest,
    body_enc: { ct: 'AA==', iv: 'AA==', p: 'kind=decision/2026-12-05', s: subject, v: 2 },
  };
};

describe('the subject term (what a legal hold by user is found by)', () => {
  it('indexes a sealed record under its user subject, read back or carried from the plain one', () => {
    // Prepare
    const plain = sealTestRecord('loans', 0, GENESIS_PREV, { kind: 'decision' });
    const stored = sealedUnder(plain, USER_SUBJECT);
    const carried = carryTerms(sealedUnder(plain, USER_SUBJECT), plain.body);

    // Act
    const term = subjectTerm(USER_SUBJECT);

    // Assess: the first 128 bits of the keyed subject id, never a user id
    expect(term).toBe(`${TERM.subject}:${'ab12'.repeat(8)}`);
    expect(termsOf(stored)).toContain(term);
    expect(termsOf(carried)).toContain(term);
    expect(termsOf(plain).some((t) => t.startsWith(`${TERM.subject}:`))).toBe(false);
  });

  it('leaves out subjects that name no user (a record of its own, quarantined bytes)', () => {
    const plain = sealTestRecord('loans', 1, GENESIS_PREV, { kind: 'decision' });

    for (const subject of ['rec:loans#1', 'q:quarantine/2026-12-05/r1.bin', 'u:short']) {
      expect(subjectTerm(subject)).toBeUndefined();
      const terms = termsOf(sealedUnder(plain, subject));
      expect(terms.some((t) => t.startsWith(`${TERM.subject}:`))).toBe(false);
    }
  });
});
