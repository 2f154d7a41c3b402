/**
 * Builds real archives for verifier tests and benchmarks: records sealed by the chain core,
 * laid out by core/archive/layout.ts, checkpoints signed as C2SP notes by a real signer.
 */
import { checkpointKey, keyFile, segmentKey } from '#core/archive/layout.ts';
import { formatRecordLine } from '#core/archive/record-line.ts';
import type { IndexedHead } from '#core/chain/chain-index.ts';
import { checkpointOrigin, DEFAULT_LOG_NAME, formatCheckpoint } from '#core/chain/checkpoint.ts';
import { sealRecord } from '#core/chain/hash.ts';
import { createTreeBuilder } from '#core/chain/merkle.ts';
import { signNote } from '#core/chain/note.ts';
import { GENESIS_PREV, type LedgerRecord, type RecordEnvelope } from '#core/chain/record.ts';
import { signIndex } from '#core/pipeline/sign-index.ts';
import { ArchiveConflictError, type ArchivePort } from '#ports/archive.ts';
import type { SignerPort } from '#ports/signer.ts';

/** A Map-backed write-once archive for tests, with the back doors a tamper test needs. */
export class MemoryArchive implements ArchivePort {
  readonly objects = new Map<string, Uint8Array>();

  async put(key: string, bytes: Uint8Array): Promise<'created' | 'exists'> {
    const existing = this.objects.get(key);
    if (existing === undefined) {
      this.objects.set(key, Uint8Array.from(bytes));
      return 'created';
    }
    if (Buffer.from(existing).equals(bytes)) return 'exists';
    throw new ArchiveConflictError(key);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key);
  }

  async *list(prefix: string): AsyncIterable<string> {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    for (const key of keys) yield key;
  }

  /** Streams in small chunks so lines cross chunk boundaries. */
  async *stream(key: string): AsyncIterable<Uint8Array> {
    const bytes = this.objects.get(key);
    if (bytes === undefined) throw new Error(`no object ${key}`);
    for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
  }

  /** The object as text (tests only). */
  text(key: string): string {
    const bytes = this.objects.get(key);
    if (bytes === undefined) throw new Error(`no object ${key}`);
    return Buffer.from(bytes).toString('utf8');
  }

  /** Overwrites or creates an object, bypassing write-once (tamper tests only). */
  overwrite(key: string, text: string): void {
    this.objects.set(key, Buffer.from(text, 'utf8'));
  }

  /** Removes an object (tamper tests only). */
  remove(key: string): void {
    if (!this.objects.delete(key)) throw new Error(`no object ${key}`);
  }
}

/** How records are written: `laid-out` is formatRecordLine (what the verifier hashes
 * without parsing), `json` is plain JSON.stringify (verified by the slow path). */
export type LineFormat = 'laid-out' | 'json';

export const lineOf = (record: LedgerRecord, format: LineFormat = 'laid-out'): string =>
  format === 'laid-out' ? formatRecordLine(record) : JSON.stringify(record);

export interface ChainSpec {
  readonly chain: string;
  readonly records: number;
  /** Tree sizes to sign; default one checkpoint over the whole chain. */
  readonly checkpoints?: readonly number[];
  /** Records per segment; default 50. */
  readonly segmentSize?: number;
  /** Appends a purge record naming these seq ranges; their bodies are left out. */
  readonly purge?: readonly (readonly [number, number])[];
}

export interface BuildOptions {
  readonly chains: readonly ChainSpec[];
  readonly signer: SignerPort;
  readonly logName?: string;
  readonly format?: LineFormat;
  /** Also signs an index of chains over each chain's last checkpoint. */
  readonly index?: boolean;
}

export interface BuiltArchive {
  /** Every record as sealed (bodies included, even purged ones), by chain. */
  readonly records: ReadonlyMap<string, LedgerRecord[]>;
  readonly vkey: string;
}

/** A decision-log-like body of roughly `bytes` bytes. */
export const sampleBody = (chain: string, seq: number, bytes = 300): unknown => ({
  application_id: chain,
  decision_id: `dec-${seq}`,
  model: { provider: 'example', name: 'scorer-1', parameters: { temperature: 0 } },
  input: { applicant: `applicant-${seq}`, text: 'x'.repeat(Math.max(0, bytes - 200)) },
  output: { decision: seq % 3 === 0 ? 'deny' : 'approve', reason: 'score threshold' },
});

const INGESTED_AT = '2025-01-01T00:00:00.000Z';

/** Seals record `seq` of `chain` after `prev`. */
export const sealTestRecord = (
  chain: string,
  seq: number,
  prev: string,
  overrides: Partial<Omit<RecordEnvelope, 'body_hash' | 'chain' | 'seq' | 'prev'>> = {},
  body: unknown = sampleBody(chain, seq),
): LedgerRecord =>
  sealRecord(
    {
      chain,
      seq,
      kind: 'inference',
      event_id: `${chain}-evt-${seq}`,
      ingested_at: INGESTED_AT,
      policy: { version: 'none', decision: 'pass', findings: [] },
      prev,
      ...overrides,
    },
    body,
  );

/** Seals `count` linked records starting after `prev`. */
export const sealChain = (
  chain: string,
  count: number,
  from = 0,
  prev = GENESIS_PREV,
  body: (seq: number) => unknown = (seq) => sampleBody(chain, seq),
): LedgerRecord[] => {
  const out: LedgerRecord[] = [];
  for (let seq = from; seq < from + count; seq++) {
    const record = sealTestRecord(chain, seq, prev, {}, body(seq));
    out.push(record);
    prev = record.hash;
  }
  return out;
};

/** The record as archived after its body was purged. */
export const withoutBody = (record: LedgerRecord): LedgerRecord => {
  const { body: _body, body_salt: _salt, ...rest } = record;
  return rest;
};

/** The signed checkpoint note over the first `size` records. */
export const signCheckpoint = async (
  records: readonly LedgerRecord[],
  size: number,
  signer: SignerPort,
  logName = DEFAULT_LOG_NAME,
): Promise<string> => {
  const tree = createTreeBuilder();
  for (const record of records.slice(0, size)) tree.pushRecordHash(record.hash);
  const chain = records[0]?.chain ?? '';
  const body = formatCheckpoint({
    origin: checkpointOrigin(logName, chain),
    size,
    root: tree.root(),
  });
  return signNote(body, signer);
};

const rootHexOf = (records: readonly LedgerRecord[], size: number): string => {
  const tree = createTreeBuilder();
  for (const record of records.slice(0, size)) tree.pushRecordHash(record.hash);
  return Buffer.from(tree.root()).toString('hex');
};

/** Segment text of records, one line each. */
export const segmentText = (records: readonly LedgerRecord[], format?: LineFormat): string =>
  records.map((r) => `${lineOf(r, format)}\n`).join('');

/** Writes chains of sealed records, their segments, signed checkpoints and the verifier key. */
export const buildArchive = async (
  archive: ArchivePort,
  options: BuildOptions,
): Promise<BuiltArchive> => {
  const { signer, format } = options;
  const vkey = await signer.verifierKey();
  await archive.put(keyFile(signer.keyName), Buffer.from(`${vkey}\n`));
  const all = new Map<string, LedgerRecord[]>();
  const heads: IndexedHead[] = [];
  for (const spec of options.chains) {
    const records = sealChain(spec.chain, spec.records);
    if (spec.purge) {
      const last = records[records.length - 1];
      records.push(
        sealTestRecord(
          spec.chain,
          records.length,
          last?.hash ?? GENESIS_PREV,
          { kind: 'purge', event_id: `${spec.chain}-purge`, ref: { ranges: spec.purge } },
          { reason: 'retention' },
        ),
      );
    }
    all.set(spec.chain, records);
    const purged = (seq: number): boolean =>
      spec.purge?.some(([from, to]) => seq >= from && seq <= to) ?? false;
    const archived = records.map((r) => (purged(r.seq) ? withoutBody(r) : r));
    const size = spec.segmentSize ?? 50;
    for (let from = 0; from < archived.length; from += size) {
      const text = segmentText(archived.slice(from, from + size), format);
      await archive.put(segmentKey(spec.chain, from), Buffer.from(text));
    }
    for (const treeSize of spec.checkpoints ?? [records.length]) {
      const note = await signCheckpoint(records, treeSize, signer, options.logName);
      await archive.put(checkpointKey(spec.chain, treeSize), Buffer.from(note));
    }
    const last = (spec.checkpoints ?? [records.length]).at(-1) ?? 0;
    if (last > 0) heads.push({ chain: spec.chain, size: last, root: rootHexOf(records, last) });
  }
  if (options.index) {
    const clock = { now: () => new Date(INGESTED_AT) };
    await signIndex(heads, {
      archive,
      signer,
      clock,
      logName: options.logName ?? DEFAULT_LOG_NAME,
    });
  }
  return { records: all, vkey };
};
