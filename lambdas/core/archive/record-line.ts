/**
 * How a record is written as one line of a segment: valid JSON whose members are
 *
 *   {<canonical envelope members>,"hash":"…"[,"body_ref":…][,"body_salt":"…","body":<canonical body>]}
 *   {<canonical envelope members>,"hash":"…","body_enc":{…}}            (layout v2)
 *
 * JSON.parse reads it back as the record. The layout lets the verifier hash the stored bytes
 * as they are: the envelope is the line up to `,"hash":"` (closed with `}`) and the body is
 * the tail, both already in RFC 8785 form, so neither needs to be parsed and re-serialized.
 * Any other line is still verified, only more slowly.
 */
import { canonicalJson } from '#core/chain/canonical.ts';
import { envelopeOf, sealedTextsOf } from '#core/chain/hash.ts';
import type { LedgerRecord, SealedBody } from '#core/chain/record.ts';

/** The canonical JSON of a sealed body: JSON.stringify in sorted member order when it has
 * the shape the sealer writes (strings and v 2: then that is its RFC 8785 text, made without
 * the general canonicaliser), else canonicalJson. */
export const sealedBodyJson = (sealed: SealedBody): string => {
  const { ct, iv, p, s, v } = sealed;
  return typeof ct === 'string' &&
    typeof iv === 'string' &&
    typeof p === 'string' &&
    typeof s === 'string' &&
    v === 2 &&
    Object.keys(sealed).length === 5
    ? JSON.stringify({ ct, iv, p, s, v })
    : canonicalJson(sealed);
};

/** The canonical JSON of a record's `body_enc`: the text the sealer made, when it did. */
export const bodyEncJson = (record: LedgerRecord, sealed: SealedBody): string =>
  sealedTextsOf(record)?.bodyEnc ?? sealedBodyJson(sealed);

/** The one line (without newline) that archives `record`. */
export const formatRecordLine = (record: LedgerRecord): string => {
  const sealed = sealedTextsOf(record);
  const envelope = sealed?.envelope ?? canonicalJson(envelopeOf(record));
  let line = `${envelope === '{}' ? '{' : `${envelope.slice(0, -1)},`}"hash":${JSON.stringify(record.hash)}`;
  if (record.body_ref !== undefined) line += `,"body_ref":${canonicalJson(record.body_ref)}`;
  if (record.body_salt !== undefined) line += `,"body_salt":${JSON.stringify(record.body_salt)}`;
  if (record.body !== undefined) line += `,"body":${sealed?.body ?? canonicalJson(record.body)}`;
  if (record.body_enc !== undefined) line += `,"body_enc":${bodyEncJson(record, record.body_enc)}`;
  return `${line}}`;
};
