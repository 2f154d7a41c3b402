/**
 * The tail a layout v2 record line ends with (record-line.ts), recognised in place:
 *
 *   {<canonical envelope members>,"hash":"<64 hex>","body_enc":{"ct":"…","iv":"…","p":"…","s":"…","v":2}}
 *
 * with `ct` and `iv` in the base64 alphabet and `p`, `s` printable ASCII with no escapes:
 * exactly what the sealer writes (body-enc-text.ts). Such a tail is valid JSON holding only
 * `body_enc`, so the line reads as its envelope and hash followed by a body that no hash
 * covers. A reader that needs no body (the checkpointer) can then take the line's first
 * part alone instead of parsing and re-canonicalising the whole line (ingest CPU, issue 7).
 * Any other tail is left to the general reader.
 */

import { CT_OPEN, IV_SEP, P_SEP, S_SEP, V_END } from './body-enc-text.ts';

const HASH_MID = Buffer.from(',"hash":"');
const HEX_LEN = 64;

/** Characters that may not appear in each string of the tail (it is read as latin1, one
 * character per byte, so any byte ≥ 0x80 is one of them too). Searching for one is a native
 * scan; an anchored pattern over the whole tail, or a loop over its ~1.4 KB in JavaScript,
 * cost several times more. */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const NOT_PLAIN = /[^ !#-[\]-~]/;
const NOT_HEX = /[^0-9a-f]/;
// The sealer's text (body-enc-text.ts), cut at the strings' quotes.
const CT = `","body_enc":${CT_OPEN}`;
const IV = IV_SEP;
const P = `${P_SEP}"`;
const S = `"${S_SEP}"`;
const END = `"${V_END}}`;

/** Where the string that starts at `from` in `tail` ends (its closing quote) when it is
 * preceded by `lead` and holds none of `bad`; else -1. */
const stringEnd = (tail: string, from: number, lead: string, bad: RegExp): number => {
  if (from < 0 || !tail.startsWith(lead, from)) return -1;
  const open = from + lead.length;
  const close = tail.indexOf('"', open);
  return close >= 0 && !bad.test(tail.slice(open, close)) ? close : -1;
};

/**
 * When the line `buf[start, end)` ends with a sealed body tail right after its first
 * `,"hash":"<64 hex>"`, the index of that hash's closing quote; else -1. `buf[start, at]`
 * followed by `}` is then the line without its body.
 */
export const sealedTailAt = (buf: Buffer, start: number, end: number): number => {
  const mid = buf.indexOf(HASH_MID, start);
  const hexAt = mid + HASH_MID.length;
  const quote = hexAt + HEX_LEN;
  if (mid < 0 || quote >= end) return -1;
  if (NOT_HEX.test(buf.toString('latin1', hexAt, quote))) return -1;
  const tail = buf.toString('latin1', quote, end);
  const ct = stringEnd(tail, 0, CT, NOT_BASE64);
  const iv = stringEnd(tail, ct, IV, NOT_BASE64);
  const p = stringEnd(tail, iv, P, NOT_PLAIN);
  const s = stringEnd(tail, p, S, NOT_PLAIN);
  return s >= 0 && s + END.length === tail.length && tail.endsWith(END) ? quote : -1;
};
