/**
 * Inclusion proofs for one record, as a self-contained JSON file an auditor checks offline:
 * the record's envelope and hash, the RFC 9162 audit path, and the signed checkpoint whose
 * root the path leads to.
 *
 * The path is computed while streaming the chain once: it is the roots of O(log n) disjoint
 * leaf ranges (RFC 9162 §2.1.3.1), each built with its own tree builder, so memory stays
 * flat however long the chain.
 */

import { chainsPrefix, checkpointsPrefix, parseKey, segmentsPrefix } from '#core/archive/layout.ts';
import { isOriginOf, parseCheckpoint } from '#core/chain/checkpoint.ts';
import { decodeBase64Strict, encodeBase64 } from '#core/chain/encoding.ts';
import { envelopeOf, leafData, recordHash } from '#core/chain/hash.ts';
import {
  auditPathRanges,
  createTreeBuilder,
  leafHash,
  verifyInclusion,
} from '#core/chain/merkle.ts';
import { openNote } from '#core/chain/note.ts';
import type { LedgerRecord, RecordEnvelope } from '#core/chain/record.ts';
import { AuditTrailError } from '#core/errors.ts';
import { keyLabel, loadTrustedKeys } from './checkpoints.ts';
import { LineSplitter } from './line-splitter.ts';
import { MalformedLine, readRecordLine } from './read-record.ts';
import { FaultLog } from './report.ts';
import type { ArchiveReader } from './verify-archive.ts';

/** The proof file, version 1. */
export interface ProofFile {
  readonly v: 1;
  readonly event_id: string;
  readonly chain: string;
  readonly seq: number;
  /** Envelope and hash; never the body. */
  readonly record: RecordEnvelope & { readonly hash: string };
  readonly leaf_index: number;
  readonly tree_size: number;
  /** Audit path, base64 hashes, leaf side first. */
  readonly proof: readonly string[];
  /** The signed checkpoint note the path leads to. */
  readonly checkpoint: string;
  /** The verifier key the archive published; a checker that uses it says so (not pinned). */
  readonly vkey?: string;
}

/** Raised when no proof can be built: unknown event, no covering checkpoint, or an archive
 * that does not match its own checkpoint. */
export class ProofError extends AuditTrailError {
  readonly code = 'proof';
  override readonly name = 'ProofError';
}

/** Streams the lines of every segment under `prefix` through `onLine`; stops early when it
 * returns false. */
const scanSegments = async (
  reader: ArchiveReader,
  prefix: string,
  onLine: (buf: Buffer, start: number, end: number) => boolean,
): Promise<void> => {
  for await (const key of reader.list(prefix)) {
    if (parseKey(key)?.type !== 'segment') continue;
    let going = true;
    const splitter = new LineSplitter({
      line: (buf, start, end) => {
        if (going) going = onLine(buf, start, end);
      },
      oversize: () => undefined,
    });
    for await (const chunk of reader.stream(key)) {
      splitter.push(chunk);
      if (!going) return;
    }
    splitter.end();
    if (!going) return;
  }
};

/** The record with this event id, found by scanning the archive. */
const findRecord = async (
  reader: ArchiveReader,
  eventId: string,
): Promise<LedgerRecord | undefined> => {
  const needle = Buffer.from(`"event_id":${JSON.stringify(eventId)}`);
  let found: LedgerRecord | undefined;
  await scanSegments(reader, chainsPrefix, (buf, start, end) => {
    const at = buf.indexOf(needle, start);
    if (at < 0 || at >= end) return true;
    try {
      const record = JSON.parse(buf.toString('utf8', start, end)) as LedgerRecord;
      if (record.event_id === eventId) found = record;
    } catch {
      // Not a record; the verifier reports such lines.
    }
    return found === undefined;
  });
  return found;
};

/** Builds the proof of `eventId` against the latest checkpoint of its chain. */
export const proveEvent = async (reader: ArchiveReader, eventId: string): Promise<ProofFile> => {
  const record = await findRecord(reader, eventId);
  if (!record) throw new ProofError(`no record with event_id ${JSON.stringify(eventId)}`);
  const { chain, seq } = record;

  const keys = await loadTrustedKeys(reader, undefined, new FaultLog());
  let latest: { size: number; note: string; vkey: string; root: Uint8Array } | undefined;
  for await (const key of reader.list(checkpointsPrefix(chain))) {
    const parsed = parseKey(key);
    const bytes = parsed?.type === 'checkpoint' ? await reader.get(key) : undefined;
    if (parsed?.type !== 'checkpoint' || !bytes) continue;
    const note = Buffer.from(bytes).toString('utf8');
    for (const vkey of keys.vkeys) {
      try {
        const opened = openNote(note, vkey);
        if (!opened.verified) continue;
        const checkpoint = parseCheckpoint(opened.text);
        if (checkpoint.size === parsed.size && parsed.size > (latest?.size ?? 0)) {
          latest = { size: parsed.size, note, vkey, root: checkpoint.root };
        }
      } catch {
        // A malformed checkpoint cannot carry a proof; the verifier reports it.
      }
    }
  }
  if (!latest || latest.size <= seq) {
    const covered = latest ? `the latest covers seqs 0..${latest.size - 1}` : 'it has none';
    throw new ProofError(
      `record ${seq} of chain ${chain} is not covered by a signed checkpoint yet (${covered}); try again after the next checkpoint`,
    );
  }

  const size = latest.size;
  const ranges = auditPathRanges(seq, size);
  const byStart = ranges.map((range, order) => ({ range, order, tree: createTreeBuilder() }));
  byStart.sort((a, b) => a.range[0] - b.range[0]);
  let next = 0;
  let leaf = 0;
  await scanSegments(reader, segmentsPrefix(chain), (buf, start, end) => {
    const read = readRecordLine(buf, start, end);
    if (read instanceof MalformedLine || read.seq !== leaf) return true;
    let target = byStart[next];
    while (target && target.range[1] <= leaf) target = byStart[++next];
    if (target && target.range[0] <= leaf) target.tree.pushRecordHash(read.hash);
    leaf++;
    return leaf < size;
  });
  const path = [...byStart].sort((a, b) => a.order - b.order).map((b) => b.tree.root());
  const own = leafHash(leafData(record));
  if (leaf < size || !verifyInclusion(own, seq, size, path, latest.root)) {
    throw new ProofError(
      `the archive of chain ${chain} does not match its checkpoint at size ${size}; run audit-trail verify`,
    );
  }
  return {
    v: 1,
    event_id: eventId,
    chain,
    seq,
    record: { ...envelopeOf(record), hash: record.hash },
    leaf_index: seq,
    tree_size: size,
    proof: path.map(encodeBase64),
    checkpoint: latest.note,
    vkey: latest.vkey,
  };
};

/** The outcome of checking a proof file. */
export type ProofCheck =
  | { readonly ok: true; readonly pinned: boolean; readonly key: string; readonly proof: ProofFile }
  | { readonly ok: false; readonly reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a proof offline: the checkpoint signature (against `publicKey`, else the `vkey` in
 * the file, which is then not pinned), the record hash, and the audit path to the signed
 * root. Never throws for a bad proof.
 */
export const checkProof = (value: unknown, publicKey?: string): ProofCheck => {
  const fail = (reason: string): ProofCheck => ({ ok: false, reason });
  if (!isObject(value) || value.v !== 1) return fail('not a version 1 proof file');
  const p = value as unknown as ProofFile;
  if (
    typeof p.event_id !== 'string' ||
    typeof p.chain !== 'string' ||
    !Number.isSafeInteger(p.seq) ||
    !isObject(p.record) ||
    !Number.isSafeInteger(p.leaf_index) ||
    !Number.isSafeInteger(p.tree_size) ||
    !Array.isArray(p.proof) ||
    typeof p.checkpoint !== 'string'
  ) {
    return fail('the proof file lacks fields or has fields of the wrong type');
  }
  const vkey = publicKey?.trim() ?? (typeof p.vkey === 'string' ? p.vkey : undefined);
  if (vkey === undefined) return fail('no verifier key: pass --public-key');
  let text: string;
  try {
    const opened = openNote(p.checkpoint, vkey);
    if (!opened.verified) return fail(`the checkpoint signature does not verify: ${opened.reason}`);
    text = opened.text;
  } catch (error) {
    return fail(`unreadable checkpoint or key: ${error instanceof Error ? error.message : error}`);
  }
  let root: Uint8Array;
  try {
    const checkpoint = parseCheckpoint(text);
    if (!isOriginOf(checkpoint.origin, p.chain)) {
      return fail(`the checkpoint is for ${checkpoint.origin}, not chain ${p.chain}`);
    }
    if (checkpoint.size !== p.tree_size) return fail('tree_size is not the checkpoint size');
    root = checkpoint.root;
  } catch (error) {
    return fail(`unreadable checkpoint: ${error instanceof Error ? error.message : error}`);
  }
  const record = p.record as LedgerRecord;
  if (record.chain !== p.chain || record.seq !== p.seq || record.event_id !== p.event_id) {
    return fail('the record does not match the event_id, chain and seq of the proof');
  }
  if (p.leaf_index !== p.seq) return fail('leaf_index is not the record seq');
  let computed: string | undefined;
  try {
    computed = recordHash(record);
  } catch {
    computed = undefined;
  }
  if (computed !== record.hash) return fail('the record does not match its hash');
  const path = p.proof.map((h) => (typeof h === 'string' ? decodeBase64Strict(h) : undefined));
  if (path.some((h) => h === undefined)) return fail('the audit path is not base64');
  const included = verifyInclusion(
    leafHash(leafData(record)),
    p.leaf_index,
    p.tree_size,
    path as Uint8Array[],
    root,
  );
  if (!included) return fail('the audit path does not lead to the signed root');
  return { ok: true, pinned: publicKey !== undefined, key: keyLabel(vkey), proof: p };
};
