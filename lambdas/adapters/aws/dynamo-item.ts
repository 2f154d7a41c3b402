/**
 * The DynamoDB item codec of the ledger: a record to its item and back, the keys of the
 * event-index and meta items, and item sizes as DynamoDB counts them. The table layout is
 * described in dynamo-ledger.ts.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { bodyEncJson } from '#core/archive/record-line.ts';
import { canonicalJson } from '#core/chain/canonical.ts';
import { META_KEY_PREFIX } from '#core/chain/ledger-keys.ts';
import {
  type BodyRef,
  type LedgerRecord,
  type PolicyResult,
  RECORD_KINDS,
  type RecordEnvelope,
  type RecordKind,
  type RecordRef,
  type RecordRetention,
  type SealedBody,
} from '#core/chain/record.ts';
import { AuditTrailError } from '#core/errors.ts';
import { indexKeysOf, TERMS_ATTRIBUTE } from '#core/search/index-keys.ts';
import { termsOf } from '#core/search/terms.ts';

/** A stored item that is not a well-formed record (hand-edited or foreign data). */
export class MalformedItemError extends AuditTrailError {
  readonly code = 'malformed_item';
  override readonly name = 'MalformedItemError';
}

export type Item = Record<string, AttributeValue>;

export const S = (value: string): AttributeValue => ({ S: value });
export const N = (value: number): AttributeValue => ({ N: String(value) });
export const INDEX_SEQ = -1;
export const eventKey = (eventId: string): Item => ({
  chain: S(`evt#${eventId}`),
  seq: N(INDEX_SEQ),
});
export const metaKey = (chain: string): Item => ({
  chain: S(`${META_KEY_PREFIX}${chain}`),
  seq: N(INDEX_SEQ),
});
export const REGISTRY = 'chain';

export const str = (item: Item, name: string): string | undefined => item[name]?.S;
export const num = (item: Item, name: string): number | undefined => {
  const n = item[name]?.N;
  return n === undefined ? undefined : Number(n);
};
export const need = <T>(value: T | undefined, name: string): T => {
  if (value === undefined) throw new MalformedItemError(`ledger item lacks ${name}`);
  return value;
};

export const isKind = (value: string): value is RecordKind =>
  (RECORD_KINDS as readonly string[]).includes(value);

/** A stored record item back into the record, members in canonical (sorted) order as the
 * chain core seals them, so a record read back serialises exactly as the one appended. */
export const itemToRecord = (item: Item): LedgerRecord => {
  const kind = need(str(item, 'kind'), 'kind');
  if (!isKind(kind)) throw new MalformedItemError(`unknown record kind ${kind}`);
  const occurredAt = str(item, 'occurred_at');
  const ref = str(item, 'ref');
  const body = str(item, 'body');
  const salt = str(item, 'body_salt');
  const bodyRef = item.body_ref?.M;
  const sealed = str(item, 'body_enc');
  const retention = str(item, 'retention');
  const submitter = str(item, 'submitter');
  return {
    ...(body === undefined ? {} : { body: JSON.parse(body) as unknown }),
    ...(sealed === undefined ? {} : { body_enc: JSON.parse(sealed) as SealedBody }),
    body_hash: need(str(item, 'body_hash'), 'body_hash'),
    ...(bodyRef === undefined
      ? {}
      : {
          body_ref: {
            size: need(num(bodyRef, 'size'), 'body_ref.size'),
            uri: need(str(bodyRef, 'uri'), 'body_ref.uri'),
          },
        }),
    ...(salt === undefined ? {} : { body_salt: salt }),
    chain: need(str(item, 'chain'), 'chain'),
    event_id: need(str(item, 'event_id'), 'event_id'),
    hash: need(str(item, 'hash'), 'hash'),
    ingested_at: need(str(item, 'ingested_at'), 'ingested_at'),
    kind,
    ...(occurredAt === undefined ? {} : { occurred_at: occurredAt }),
    policy: JSON.parse(need(str(item, 'policy'), 'policy')) as PolicyResult,
    prev: need(str(item, 'prev'), 'prev'),
    ...(ref === undefined ? {} : { ref: JSON.parse(ref) as RecordRef }),
    ...(retention === undefined ? {} : { retention: JSON.parse(retention) as RecordRetention }),
    seq: need(num(item, 'seq'), 'seq'),
    ...(submitter === undefined
      ? {}
      : { submitter: JSON.parse(submitter) as NonNullable<RecordEnvelope['submitter']> }),
  };
};

export const recordItem = (record: LedgerRecord, body: string | BodyRef | undefined): Item => {
  const item: Item = {
    chain: S(record.chain),
    seq: N(record.seq),
    kind: S(record.kind),
    event_id: S(record.event_id),
    ingested_at: S(record.ingested_at),
    policy: S(canonicalJson(record.policy)),
    decision: S(record.policy.decision),
    prev: S(record.prev),
    body_hash: S(record.body_hash),
    hash: S(record.hash),
  };
  if (record.occurred_at !== undefined) item.occurred_at = S(record.occurred_at);
  if (record.ref !== undefined) item.ref = S(canonicalJson(record.ref));
  if (record.body_salt !== undefined) item.body_salt = S(record.body_salt);
  if (record.retention !== undefined) item.retention = S(canonicalJson(record.retention));
  // The text the sealer made, when it did: the ciphertext is not serialised again.
  if (record.body_enc !== undefined) item.body_enc = S(bodyEncJson(record, record.body_enc));
  if (record.submitter !== undefined) item.submitter = S(canonicalJson(record.submitter));
  if (typeof body === 'string') item.body = S(body);
  else if (body !== undefined) item.body_ref = { M: { uri: S(body.uri), size: N(body.size) } };
  // Search terms (digests, never values) and the index keys of the selective ones
  // (core/search/index-keys.ts); for a sealed body, the terms carried from before sealing.
  const terms = termsOf(record);
  item[TERMS_ATTRIBUTE] = { SS: [...new Set(terms)] };
  for (const [key, term] of Object.entries(indexKeysOf(terms, record.chain))) item[key] = S(term);
  return item;
};

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** An item's size as DynamoDB counts it (names and values; numbers by their digits, a
 * little over DynamoDB's own count). */
export const itemSize = (item: Item): number => {
  const valueSize = (value: AttributeValue): number =>
    value.S !== undefined
      ? utf8Bytes(value.S)
      : value.N !== undefined
        ? value.N.length + 1
        : value.M !== undefined
          ? 3 + itemSize(value.M)
          : value.L !== undefined
            ? 3 + value.L.reduce((n, v) => n + 1 + valueSize(v), 0)
            : 1;
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8Bytes(name) + valueSize(value);
  return size;
};

/** Rough item size for the transaction budget: attribute names and string values. */
export const itemBytes = (item: Item): number => {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += name.length + (value.S?.length ?? 0) * 3 + (value.N?.length ?? 0) + 64;
  }
  return size;
};
