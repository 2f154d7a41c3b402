/**
 * Where things live in the write-once archive. The local archive directory and the S3
 * bucket use the same keys, so the verifier reads either the same way.
 *
 *   keys/<key name>.vkey                              signer's public (verifier) key
 *   chains/<chain>/segments/<from>-<to>.jsonl         records from..to, one JSON a line
 *   chains/<chain>/checkpoints/<tree size>.ckpt       C2SP signed checkpoint
 *   quarantine/<yyyy-mm-dd>/<event id>.bin            raw bytes of rejected input
 *
 * Numbers are zero-padded to 12 digits so lexicographic order is numeric order.
 */

const PAD = 12;

export const pad = (n: number): string => n.toString().padStart(PAD, '0');

/** Chain keys may hold any characters; archive keys hold only safe ones. */
export const encodeChain = (chain: string): string => encodeURIComponent(chain);
export const decodeChain = (segment: string): string => decodeURIComponent(segment);

export const keyFile = (keyName: string): string => `keys/${encodeURIComponent(keyName)}.vkey`;
export const chainsPrefix = 'chains/';
export const segmentsPrefix = (chain: string): string =>
  `chains/${encodeChain(chain)}/segments/`;
export const segmentKey = (chain: string, from: number, to: number): string =>
  `${segmentsPrefix(chain)}${pad(from)}-${pad(to)}.jsonl`;
export const checkpointsPrefix = (chain: string): string =>
  `chains/${encodeChain(chain)}/checkpoints/`;
export const checkpointKey = (chain: string, size: number): string =>
  `${checkpointsPrefix(chain)}${pad(size)}.ckpt`;
export const quarantineKey = (day: string, eventId: string): string =>
  `quarantine/${day}/${encodeURIComponent(eventId)}.bin`;

const SEGMENT_RE = /^chains\/([^/]+)\/segments\/(\d{12})-(\d{12})\.jsonl$/;
const CHECKPOINT_RE = /^chains\/([^/]+)\/checkpoints\/(\d{12})\.ckpt$/;

export interface ParsedKey {
  readonly type: 'segment' | 'checkpoint';
  readonly chain: string;
  readonly from: number;
  readonly to: number;
}

/** Parses a segment or checkpoint key; undefined for anything else. */
export const parseKey = (key: string): ParsedKey | undefined => {
  const s = SEGMENT_RE.exec(key);
  if (s?.[1] && s[2] && s[3]) {
    return { type: 'segment', chain: decodeChain(s[1]), from: Number(s[2]), to: Number(s[3]) };
  }
  const c = CHECKPOINT_RE.exec(key);
  if (c?.[1] && c[2]) {
    const size = Number(c[2]);
    return { type: 'checkpoint', chain: decodeChain(c[1]), from: size, to: size };
  }
  return undefined;
};
