/**
 * Layout v2 at write time: the retention rule goes into each envelope, and the body leaves
 * the record only encrypted under its period and subject keys (see body-crypto.ts).
 */

import { canonicalJson } from '#core/chain/canonical.ts';
import { sealedTextsOf, storedWithBody } from '#core/chain/hash.ts';
import type { LedgerRecord, RecordRetention } from '#core/chain/record.ts';
import { carryTerms } from '#core/search/terms.ts';
import type { BodyKeysPort } from '#ports/body-keys.ts';
import type { BodySealer } from '#ports/body-sealer.ts';
import {
  deriveRecordKey,
  encryptBody,
  periodKeyId,
  sealBody,
  subjectKeyId,
} from './body-crypto.ts';
import { openRecord } from './open-record.ts';
import { dayOf, type RetentionRules, retentionOf } from './rules.ts';
import { recordSubject, SUBJECT_ID_KEY, subjectIds, userIdOf } from './subjects.ts';

export type { BodySealer };

const parseOrUndefined = (bytes: Uint8Array): unknown => {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
};

/** The subject id of quarantined bytes that name no user. */
export const quarantineSubject = (key: string): string => `q:${key}`;

/** The period a record's body belongs to: its rule and ingest day. */
export const periodOf = (record: Pick<LedgerRecord, 'retention' | 'ingested_at'>): string =>
  `${record.retention?.rule ?? 'none'}/${dayOf(record.ingested_at)}`;

/** A sealer over a key store (creates the subject-hash secret on first use). */
export const createBodySealer = async (
  rules: RetentionRules,
  keys: BodyKeysPort,
): Promise<BodySealer> => {
  const secret = (await keys.ensure([SUBJECT_ID_KEY])).get(SUBJECT_ID_KEY) as Uint8Array;
  const subjects = subjectIds(secret);
  const retentions = new Map<string, RecordRetention>();
  return {
    subjects,
    retention: (subject, ingestedAt) => {
      // Every record of a batch shares its ingest time: one rule lookup per kind and chain.
      const key = `${subject.kind}\n${subject.chain}\n${subject.useCase ?? ''}\n${dayOf(ingestedAt)}`;
      let found = retentions.get(key);
      if (found === undefined) {
        found = retentionOf(rules, subject, ingestedAt);
        if (retentions.size >= 10_000) retentions.clear();
        retentions.set(key, found);
      }
      return found;
    },
    quarantineSealer: (chain, ingestedAt) => async (bytes, key) => {
      const { rule } = retentionOf(rules, { kind: 'rejected', chain }, ingestedAt);
      const period = `${rule}/${dayOf(ingestedAt)}`;
      const user = userIdOf(parseOrUndefined(bytes));
      const subject = user === undefined ? quarantineSubject(key) : subjects.of(user);
      const found = await keys.ensure([periodKeyId(period), subjectKeyId(subject)]);
      const recordKey = deriveRecordKey(
        found.get(periodKeyId(period)) as Uint8Array,
        found.get(subjectKeyId(subject)) as Uint8Array,
        `quarantine:${key}`,
        0,
      );
      const where = { chain: `quarantine:${key}`, seq: 0, body_hash: '' };
      const text = Buffer.from(bytes).toString('base64');
      const sealed = encryptBody(recordKey, where, period, subject, '0'.repeat(32), text);
      return new TextEncoder().encode(`${JSON.stringify(sealed)}\n`);
    },
    open: (record) => openRecord(record, keys),
    seal: async (records, pending) => {
      const plans = records.map((record, i) => {
        const user = pending?.[i]?.user_id ?? userIdOf(record.body);
        return {
          record,
          period: periodOf(record),
          subject: user === undefined ? recordSubject(record.chain, record.seq) : subjects.of(user),
        };
      });
      const ids = new Set<string>();
      for (const p of plans) ids.add(periodKeyId(p.period)).add(subjectKeyId(p.subject));
      const found = await keys.ensure([...ids]);
      return plans.map(({ record, period, subject }) => {
        if (record.body === undefined || record.body_salt === undefined) return record;
        const text = sealedTextsOf(record)?.body ?? canonicalJson(record.body);
        const sealed = sealBody(
          found.get(periodKeyId(period)) as Uint8Array,
          found.get(subjectKeyId(subject)) as Uint8Array,
          record,
          period,
          subject,
          record.body_salt,
          text,
        );
        return carryTerms(record, storedWithBody(record, sealed));
      });
    },
  };
};
