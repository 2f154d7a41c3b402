/**
 * Layout v2 at write time: the retention rule goes into each envelope, and the body leaves
 * the record only encrypted under its period and subject keys (see body-crypto.ts).
 */

import { canonicalJson } from '#core/chain/canonical.ts';
import { type BodyEncrypter, sealedTextsOf, storedWithBody } from '#core/chain/hash.ts';
import type { RecordRetention } from '#core/chain/record.ts';
import { carryTerms } from '#core/search/terms.ts';
import type { BodyKeysPort } from '#ports/body-keys.ts';
import type { BodySealer, SealTarget } from '#ports/body-sealer.ts';
import { periodKeyId, sealBody, sealBodyWithText, subjectKeyId } from './body-crypto.ts';
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
export const periodOf = (record: {
  readonly retention?: RecordRetention | undefined;
  readonly ingested_at: string;
}): string => `${record.retention?.rule ?? 'none'}/${dayOf(record.ingested_at)}`;

/** A period or subject with its key id and its JSON string, made once per batch. */
interface KeyName {
  readonly name: string;
  readonly id: string;
  readonly json: string;
}

const nameOf = (names: Map<string, KeyName>, name: string, idOf: (name: string) => string) => {
  let found = names.get(name);
  if (found === undefined) {
    found = { name, id: idOf(name), json: JSON.stringify(name) };
    names.set(name, found);
  }
  return found;
};

/** A sealer over a key store (creates the subject-hash secret on first use). */
export const createBodySealer = async (
  rules: RetentionRules,
  keys: BodyKeysPort,
): Promise<BodySealer> => {
  const secret = (await keys.ensure([SUBJECT_ID_KEY])).get(SUBJECT_ID_KEY) as Uint8Array;
  const subjects = subjectIds(secret);
  const retentions = new Map<string, RecordRetention>();
  const encrypters = async (targets: readonly SealTarget[]): Promise<BodyEncrypter[]> => {
    // Made once per distinct period and subject of the batch, and kept: key ids (a fresh
    // `p/…`/`s/…` string per lookup is a new string to flatten and hash each time) and the
    // JSON strings of `body_enc`'s `p` and `s`; a period once per rule, as every record of a
    // batch shares its ingest time (ingest CPU per record, issue 7).
    const periodNames = new Map<string, KeyName>();
    const subjectNames = new Map<string, KeyName>();
    const periods = new Map<RecordRetention | undefined, string>();
    const at = targets[0]?.ingested_at;
    const plans = targets.map((target) => {
      const user = target.user_id ?? userIdOf(target.body);
      let period = target.ingested_at === at ? periods.get(target.retention) : undefined;
      if (period === undefined) {
        period = periodOf(target);
        if (target.ingested_at === at) periods.set(target.retention, period);
      }
      const subject =
        user === undefined ? recordSubject(target.chain, target.seq) : subjects.of(user);
      return {
        period: nameOf(periodNames, period, periodKeyId),
        subject: nameOf(subjectNames, subject, subjectKeyId),
      };
    });
    const found = await keys.ensure([
      ...[...periodNames.values()].map((n) => n.id),
      ...[...subjectNames.values()].map((n) => n.id),
    ]);
    return plans.map(({ period, subject }, i) => {
      const periodKey = found.get(period.id) as Uint8Array;
      const subjectKey = found.get(subject.id) as Uint8Array;
      const { chain, seq } = targets[i] as SealTarget;
      return (text, salt, bodyHash) =>
        sealBodyWithText(
          periodKey,
          subjectKey,
          { chain, seq, body_hash: bodyHash },
          period.name,
          subject.name,
          salt,
          text,
          period.json,
          subject.json,
        );
    });
  };
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
      const sealed = sealBody(
        found.get(periodKeyId(period)) as Uint8Array,
        found.get(subjectKeyId(subject)) as Uint8Array,
        { chain: `quarantine:${key}`, seq: 0, body_hash: '' },
        period,
        subject,
        '0'.repeat(32),
        Buffer.from(bytes).toString('base64'),
      );
      return new TextEncoder().encode(`${JSON.stringify(sealed)}\n`);
    },
    open: (record) => openRecord(record, keys),
    encrypters,
    seal: async (records) => {
      const encrypt = await encrypters(records.map((record) => ({ ...record, body: record.body })));
      return records.map((record, i) => {
        if (record.body === undefined || record.body_salt === undefined) return record;
        const text = sealedTextsOf(record)?.body ?? canonicalJson(record.body);
        const { sealed } = (encrypt[i] as BodyEncrypter)(text, record.body_salt, record.body_hash);
        return carryTerms(storedWithBody(record, sealed), record.body);
      });
    },
  };
};
