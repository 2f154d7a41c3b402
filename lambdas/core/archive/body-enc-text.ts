/**
 * The text of a layout v2 `body_enc` as the sealer writes it, spelled once: its canonical
 * JSON (RFC 8785, members in sorted order) when `ct` and `iv` are base64, which needs no
 * JSON escape:
 *
 *   {"ct":"<base64>","iv":"<base64>","p":<JSON string>,"s":<JSON string>,"v":2}
 *
 * The sealer joins it from these pieces (core/retention/body-crypto.ts) and the
 * checkpointer recognises it at the end of an archive line by them (sealed-tail.ts). A
 * `body_enc` of any other shape is written by the general canonicaliser (record-line.ts).
 */
export const CT_OPEN = '{"ct":"';
export const IV_SEP = '","iv":"';
export const P_SEP = '","p":';
export const S_SEP = ',"s":';
export const V_END = ',"v":2}';

/** The text, from base64 `ct` and `iv` and JSON.stringify of `p` and `s`. */
export const bodyEncText = (ct: string, iv: string, pJson: string, sJson: string): string =>
  `${CT_OPEN}${ct}${IV_SEP}${iv}${P_SEP}${pJson}${S_SEP}${sJson}${V_END}`;
