/**
 * Where things live in the write-once archive. The local archive directory and the S3
 * bucket use the same keys, so the verifier reads either the same way.
 *
 *   keys/<key name>.vkey                              signer's public (verifier) key
 *   chains/<chain>/segments/<from>.jsonl              records from..(next segment's from - 1),
 *                                                     one JSON a line
 *   chains/<chain>/checkpoints/<tree size>.ckpt       C2SP signed checkpoint
 *   bodies/<chain>/<seq>-<body hash>.json             a body stored by reference
 *   quarantine/<yyyy-mm-dd>/<event id>.bin            raw bytes of rejected input
 *   index/<n>.heads                                   chain heads of index n, one
 *                                                     `<chain> <size> <hex root>` a line
 *   index/<n>.ckpt                                    signed note over those heads, linked
 *                                                     to index n-1: the index log's checkpoint
 *                                                     at size n (see chain/chain-index.ts)
 *   index/<n>.frontier                                the index log's frontier after n (JSON)
 *   index/<n>.cosig                                   witness cosignature lines on index n
 *   reviews/fairness/<use case>/<date>/<sha256>.json  a fairness review report (+ .md, .html)
 *
 * Numbers are zero-padded to 12 digits so lexicographic order is numeric order.
 * A segment is named by its first seq only: the write-once put of that key is what claims
 * the range, so two archivers racing on one chain can never write overlapping segments
 * (the loser finds the key taken and continues after the winner's last record).
 */

const PAD = 12;

export const pad = (n: number): string => n.toString().padStart(PAD, '0');

/** Chain keys may hold any characters; archive keys hold only safe ones. */
export const encodeChain = (chain: string): string => encodeURIComponent(chain);
export const decodeChain = (segment: string): string => decodeURIComponent(segment);

export const keysPrefix = 'keys/';
export const keyFile = (keyName: string): string =>
  `${keysPrefix}${encodeURIComponent(keyName)}.vkey`;
export const chainsPrefix = 'chains/';
export const segmentsPrefix = (chain: string): string => `chains/${encodeChain(chain)}/segments/`;
export const segmentKey = (chain: string, from: number): string =>
  `${segmentsPrefix(chain)}${pad(from)}.jsonl`;
export const checkpointsPrefix = (chain: string): string =>
  `chains/${encodeChain(chain)}/checkpoints/`;
export const checkpointKey = (chain: string, size: number): string =>
  `${checkpointsPrefix(chain)}${pad(size)}.ckpt`;
export const bodyKey = (chain: string, seq: number, bodyHash: string): string =>
  `bodies/${encodeChain(chain)}/${pad(seq)}-${bodyHash}.json`;
/** A layout v2 ciphertext too large for its ledger item (only ciphertext: the keys erase it). */
export const sealedBodyKey = (chain: string, seq: number, bodyHash: string): string =>
  `bodies/${encodeChain(chain)}/${pad(seq)}-${bodyHash}.sealed.json`;
export const quarantineKey = (day: string, eventId: string): string =>
  `quarantine/${day}/${encodeURIComponent(eventId)}.bin`;

export const indexPrefix = 'index/';
export const indexNoteKey = (n: number): string => `${indexPrefix}${pad(n)}.ckpt`;
export const indexHeadsKey = (n: number): string => `${indexPrefix}${pad(n)}.heads`;
/** The index log's frontier after index n (unsigned: the signer's shortcut, never trusted). */
export const indexFrontierKey = (n: number): string => `${indexPrefix}${pad(n)}.frontier`;
/** Witness cosignature lines on index n's note, stored beside it. */
export const indexCosigKey = (n: number): string => `${indexPrefix}${pad(n)}.cosig`;
const INDEX_RE = /^index\/(\d{12})\.(ckpt|heads|frontier|cosig)$/;

export type IndexPart = 'ckpt' | 'heads' | 'frontier' | 'cosig';

/** The number and part of an index key; undefined for anything else. */
export const parseIndexKey = (
  key: string,
): { readonly n: number; readonly part: IndexPart } | undefined => {
  const m = INDEX_RE.exec(key);
  return m?.[1] && m[2] ? { n: Number(m[1]), part: m[2] as IndexPart } : undefined;
};

const SEGMENT_RE = /^chains\/([^/]+)\/segments\/(\d{12})\.jsonl$/;
const CHECKPOINT_RE = /^chains\/([^/]+)\/checkpoints\/(\d{12})\.ckpt$/;

export type ParsedKey =
  | { readonly type: 'segment'; readonly chain: string; readonly from: number }
  | { readonly type: 'checkpoint'; readonly chain: string; readonly size: number };

/** Parses a segment or checkpoint key; undefined for anything else. */
export const parseKey = (key: string): ParsedKey | undefined => {
  const s = SEGMENT_RE.exec(key);
  if (s?.[1] && s[2]) return { type: 'segment', chain: decodeChain(s[1]), from: Number(s[2]) };
  const c = CHECKPOINT_RE.exec(key);
  if (c?.[1] && c[2]) return { type: 'checkpoint', chain: decodeChain(c[1]), size: Number(c[2]) };
  return undefined;
};

/** Fairness review reports: `reviews/fairness/<use case>/<to date>/<report sha256>.<json|md|html>`
 * (`_all` when the review covers every use case). Named by content, so a rerun that finds
 * the same data writes nothing new and one that finds more data writes beside it. */
export const fairnessReportKey = (
  useCase: string | null,
  to: string,
  sha256: string,
  extension: 'json' | 'md' | 'html',
): string =>
  `reviews/fairness/${encodeURIComponent(useCase ?? '_all')}/${to.slice(0, 10)}/${sha256}.${extension}`;
