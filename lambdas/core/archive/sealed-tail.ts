/**
 * The tail a layout v2 record line ends with (record-line.ts), recognised in place:
 *
 *   {<canonical envelope members>,"hash":"<64 hex>","body_enc":{"ct":"…","iv":"…","p":"…","s":"…","v":2}}
 *
 * with `ct` and `iv` in the base64 alphabet and `p`, `s` printable ASCII with no escapes:
 * exactly what the sealer writes (sealedBodyJson). Such a tail is valid JSON holding only
 * `body_enc`, so the line reads as its envelope and hash followed by a body that no hash
 * covers. A reader that needs no body (the checkpointer) can then take the line's first
 * part alone instead of parsing and re-canonicalising the whole line (ingest CPU, issue 7).
 * Any other tail is left to the general reader.
 */

const HASH_MID = Buffer.from(',"hash":"');
const HEX_LEN = 64;
const CT_START = Buffer.from('","body_enc":{"ct":"');
const IV_START = Buffer.from('","iv":"');
const P_START = Buffer.from('","p":"');
const S_START = Buffer.from('","s":"');
const END = Buffer.from('","v":2}}');
const QUOTE = 0x22;

/** Bytes allowed inside each kind of string: base64, printable ASCII (no `"` or `\`), and
 * lowercase hex. */
const BASE64 = 1;
const PLAIN = 2;
const HEX = 4;
const CLASS = new Uint8Array(256);
for (let b = 0x20; b < 0x7f; b++) CLASS[b] = PLAIN;
CLASS[QUOTE] = 0;
CLASS[0x5c] = 0;
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=') {
  CLASS[c.charCodeAt(0)] = BASE64 | PLAIN;
}
for (const c of '0123456789abcdef') CLASS[c.charCodeAt(0)] = BASE64 | PLAIN | HEX;

const bytesAt = (buf: Buffer, at: number, want: Buffer): boolean => {
  if (at + want.length > buf.length) return false;
  for (let i = 0; i < want.length; i++) if (buf[at + i] !== want[i]) return false;
  return true;
};

/** The end of the string of `kind` bytes starting at `at` (its closing quote), or -1. */
const stringEnd = (buf: Buffer, at: number, end: number, kind: number): number => {
  let i = at;
  while (i < end && ((CLASS[buf[i] as number] as number) & kind) !== 0) i++;
  return i < end && buf[i] === QUOTE ? i : -1;
};

/**
 * When the line `buf[start, end)` ends with a sealed body tail right after its first
 * `,"hash":"<64 hex>"`, the index of that hash's closing quote; else -1. `buf[start, at]`
 * followed by `}` is then the line without its body.
 */
export const sealedTailAt = (buf: Buffer, start: number, end: number): number => {
  const mid = buf.indexOf(HASH_MID, start);
  if (mid < 0 || mid >= end) return -1;
  const quote = mid + HASH_MID.length + HEX_LEN;
  const hexEnd = stringEnd(buf, mid + HASH_MID.length, end, HEX);
  const ctEnd =
    hexEnd === quote && bytesAt(buf, quote, CT_START)
      ? stringEnd(buf, quote + CT_START.length, end, BASE64)
      : -1;
  const ivEnd =
    ctEnd >= 0 && bytesAt(buf, ctEnd, IV_START)
      ? stringEnd(buf, ctEnd + IV_START.length, end, BASE64)
      : -1;
  const pEnd =
    ivEnd >= 0 && bytesAt(buf, ivEnd, P_START)
      ? stringEnd(buf, ivEnd + P_START.length, end, PLAIN)
      : -1;
  const sEnd =
    pEnd >= 0 && bytesAt(buf, pEnd, S_START)
      ? stringEnd(buf, pEnd + S_START.length, end, PLAIN)
      : -1;
  return sEnd >= 0 && sEnd + END.length === end && bytesAt(buf, sEnd, END) ? quote : -1;
};
