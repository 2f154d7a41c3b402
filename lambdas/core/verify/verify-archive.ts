/**
 * The auditor's verifier: streams an archive (a directory or a bucket, through the archive
 * port's read side) and checks every record, link, Merkle root and checkpoint signature,
 * trusting nothing but the archive and, when given, a pinned verifier key.
 *
 * Memory is flat in the number of records: segments are read line by line, and each chain
 * keeps only its pending window, a compact Merkle frontier and ranges.
 */

import { bodyKey, chainsPrefix, encodeChain, parseKey } from '#core/archive/layout.ts';
import { verifyCosignatures } from '#core/chain/cosignature.ts';
import { HASH_RE } from '#core/chain/hash.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { HoldScope } from '#core/retention/governance.ts';
import type { ArchivePort } from '#ports/archive.ts';
import type { BodyKeysPort } from '#ports/body-keys.ts';
import { lanedApplications, wantsChain } from './applications.ts';
import { type IndexView, loadIndexes } from './chain-index.ts';
import { ChainVerifier, type TrustedCheckpoint } from './chain-verifier.ts';
import { loadChainCheckpoints, loadTrustedKeys, type TrustedKeys } from './checkpoints.ts';
import { LineSplitter } from './line-splitter.ts';
import { type ObjectVersion, tryCheckVersions } from './object-versions.ts';
import { checkBodyBytes, MalformedLine, type RecordFacts, readRecordLine } from './read-record.ts';
import { FaultLog, type PurgedRange, type VerifyProgress, type VerifyReport } from './report.ts';
import { checkSealedBody, heldBy, loadActiveHolds } from './sealed-bodies.ts';

/** The read side of the archive: all the verifier needs. A versioned bucket can also list
 * object versions and delete markers. */
export type ArchiveReader = Pick<ArchivePort, 'list' | 'stream' | 'get'> & {
  readonly listVersions?: () => AsyncIterable<ObjectVersion>;
};

export interface VerifyOptions {
  /** Verifier key text (C2SP vkey) the auditor trusts; without it the archive's own
   * `keys/*.vkey` are used and the report says the key was not pinned. */
  readonly publicKey?: string;
  /** Witness cosignature/v1 verifier keys the auditor trusts. */
  readonly witnessKeys?: readonly string[];
  /** Cosignatures by distinct known witnesses each chain's newest checkpoint, and the newest
   * index of chains, need.
   * @default 1 when witnessKeys are given, else 0 */
  readonly minWitnesses?: number;
  /** Keys and indexes already loaded (a worker of a parallel verify gets them from the
   * coordinator, which reports their faults once). */
  readonly preloaded?: {
    readonly keys: TrustedKeys;
    readonly index: IndexView;
    /** Active legal holds, when body keys are given. */
    readonly holds?: readonly HoldScope[];
  };
  /** Archive size in bytes, when the caller knows it, for progress. */
  readonly totalBytes?: number;
  /** Called as segments are read, at most every PROGRESS_EVERY bytes. */
  readonly onProgress?: (progress: VerifyProgress) => void;
  /** Body keys (layout v2): sealed bodies are decrypted and checked, gone ones reported. */
  readonly bodyKeys?: Pick<BodyKeysPort, 'get'>;
  /** Only these chains are read and checked (an evidence package's period); a chain the
   * signed index lists that the archive lacks is still reported, whichever it is. */
  readonly chains?: ReadonlySet<string>;
}

const PROGRESS_EVERY = 1024 * 1024;

/** The known witness keys, and how many cosignatures the newest checkpoint of each chain and
 * the newest index need. */
export const witnessRule = (
  options: Pick<VerifyOptions, 'witnessKeys' | 'minWitnesses'>,
): { keys: readonly string[]; min: number } => ({
  keys: options.witnessKeys ?? [],
  min: options.minWitnesses ?? ((options.witnessKeys?.length ?? 0) > 0 ? 1 : 0),
});

/** Verifies the whole archive and reports every fault found. Throws only when the archive
 * cannot be read (I/O errors) or the pinned key is unusable (PinnedKeyError, see
 * checkpoints.ts). */
export const verifyArchive = async (
  reader: ArchiveReader,
  options: VerifyOptions = {},
): Promise<VerifyReport> => {
  const faults = new FaultLog();
  const keys =
    options.preloaded?.keys ?? (await loadTrustedKeys(reader, options.publicKey, faults));
  const witnesses = witnessRule(options);
  const index = options.preloaded?.index ?? (await loadIndexes(reader, keys, faults, witnesses));
  const seen = new Set<string>();
  const bodyKeys = options.bodyKeys;
  const holds: readonly HoldScope[] = bodyKeys
    ? (options.preloaded?.holds ?? (await loadActiveHolds(reader)))
    : [];
  let sealed = 0;
  /** Reasons of purge records by chain and seq, for the purged ranges they cover. */
  const purgeReasons = new Map<string, readonly string[]>();
  const usedKeys = new Set<string>();
  const purged: PurgedRange[] = [];
  let chains = 0;
  let records = 0;
  let checkpoints = 0;
  let unsigned = 0;
  let bytes = 0;
  let reported = 0;
  const progress = (): void => {
    options.onProgress?.({
      records,
      bytes,
      ...(options.totalBytes === undefined ? {} : { totalBytes: options.totalBytes }),
    });
  };

  let current: ChainVerifier | undefined;
  const finishChain = (): void => {
    if (!current) return;
    const summary = current.finish();
    checkpoints += summary.checkpoints;
    unsigned += summary.unsigned;
    for (const p of summary.purged) {
      const reasons = purgeReasons.get(`${p.chain}\n${p.by}`);
      purged.push(reasons === undefined ? p : { ...p, reasons });
    }
    current = undefined;
  };

  for await (const key of reader.list(chainsPrefix)) {
    let parsed: ReturnType<typeof parseKey>;
    try {
      parsed = parseKey(key);
    } catch {
      parsed = undefined;
    }
    // An alias of the chain's directory (`app%2D1` for `app-1`) would be read as the chain
    // again, perhaps as a second copy that verifies on its own.
    if (!parsed || !key.startsWith(`${chainsPrefix}${encodeChain(parsed.chain)}/`)) {
      faults.add(chainOfKey(key), -1, 'malformed', `unexpected archive key ${key}`);
      continue;
    }
    if (options.chains !== undefined && !wantsChain(options.chains, parsed.chain)) {
      seen.add(parsed.chain);
      continue;
    }
    if (current?.chain !== parsed.chain) {
      finishChain();
      chains++;
      const loaded = await loadChainCheckpoints(reader, parsed.chain, keys, faults);
      for (const k of loaded.keys) usedKeys.add(k);
      seen.add(parsed.chain);
      if (witnesses.min > 0)
        checkWitnessed(parsed.chain, loaded.trusted, loaded.newestNote, witnesses, faults);
      const signed = withIndexHeads(
        parsed.chain,
        loaded.trusted,
        index.heads.get(parsed.chain),
        faults,
      );
      current = new ChainVerifier(parsed.chain, signed, faults);
    }
    if (parsed.type === 'checkpoint') continue;
    const chain = current as ChainVerifier;
    const deliver = (read: RecordFacts | MalformedLine): void => {
      if (read instanceof MalformedLine) {
        chain.malformed(read.seq, `${read.reason} in ${key}`);
      } else {
        records++;
        chain.record(read);
      }
    };
    // Lines whose body must be read apart (by reference, or sealed when body keys are
    // given) wait here, in order, until it is.
    type BodyLater = () => Promise<'ok' | 'mismatch' | 'absent'>;
    const held: { read: RecordFacts | MalformedLine; ref: BodyLater | undefined }[] = [];
    const release = async (): Promise<void> => {
      for (const { read, ref } of held) {
        if (ref === undefined || read instanceof MalformedLine) deliver(read);
        else deliver({ ...read, body: await ref() });
      }
      held.length = 0;
    };
    const later = (
      read: RecordFacts | MalformedLine,
      buf: Buffer,
      start: number,
      end: number,
    ): BodyLater | undefined => {
      if (read instanceof MalformedLine) return undefined;
      if (read.purges !== undefined) notePurge(read, buf, start, end);
      if (read.body === 'by_ref') {
        const ref = bodyRefOf(buf, start, end);
        return () => checkRef(reader, ref);
      }
      if (read.body !== 'sealed') return undefined;
      if (bodyKeys === undefined) {
        sealed++;
        return undefined;
      }
      const record = JSON.parse(buf.toString('utf8', start, end)) as LedgerRecord;
      return async () => {
        const check = await checkSealedBody(record, bodyKeys);
        if (check === 'absent' && heldBy(holds, record)) {
          faults.add(
            record.chain,
            record.seq,
            'held_purged',
            'body gone while a legal hold covers it',
          );
        }
        return check;
      };
    };
    const notePurge = (read: RecordFacts, buf: Buffer, start: number, end: number): void => {
      try {
        const reasons = (JSON.parse(buf.toString('utf8', start, end)) as LedgerRecord).ref?.reasons;
        if (Array.isArray(reasons)) purgeReasons.set(`${read.chain}\n${read.seq}`, reasons);
      } catch {
        // readRecordLine parsed it: cannot fail.
      }
    };
    const splitter = new LineSplitter({
      line: (buf, start, end) => {
        const read =
          held.length === 0
            ? readRecordLine(buf, start, end, chain.expectation())
            : readRecordLine(buf, start, end);
        const ref = later(read, buf, start, end);
        if (held.length === 0 && ref === undefined) deliver(read);
        else held.push({ read, ref });
      },
      oversize: () => {
        const read = new MalformedLine('line too long', undefined);
        if (held.length === 0) deliver(read);
        else held.push({ read, ref: undefined });
      },
    });
    for await (const chunk of reader.stream(key)) {
      splitter.push(chunk);
      if (held.length > 0) await release();
      bytes += chunk.length;
      if (bytes - reported >= PROGRESS_EVERY) {
        reported = bytes;
        progress();
      }
    }
    splitter.end();
    if (held.length > 0) await release();
  }
  finishChain();
  progress();
  // A parallel worker (preloaded) sees one chain; its coordinator lists versions once.
  return finishReport(reader, !options.preloaded, index, seen, faults, {
    chains,
    records,
    checkpoints,
    unsigned,
    bytes,
    pinned: keys.pinned,
    usedKeys,
    purged,
    sealed,
  });
};

/** What a verification counted, for its report. */
export interface VerifyTotals {
  readonly chains: number;
  readonly records: number;
  readonly checkpoints: number;
  readonly unsigned: number;
  readonly bytes: number;
  readonly pinned: VerifyReport['pinned'];
  readonly usedKeys: ReadonlySet<string>;
  readonly purged: readonly PurgedRange[];
  readonly sealed: number;
}

/**
 * The end of every verification, one thread or many: object versions (listed once, by
 * whoever sees the whole archive), the chains the newest signed index lists that the
 * archive lacks, then the report.
 */
export const finishReport = async (
  reader: ArchiveReader,
  listVersions: boolean,
  index: IndexView,
  seen: ReadonlySet<string>,
  faults: FaultLog,
  totals: VerifyTotals,
): Promise<VerifyReport> => {
  const versions =
    reader.listVersions && listVersions
      ? await tryCheckVersions(
          () => (reader.listVersions as () => AsyncIterable<ObjectVersion>)(),
          new Date(),
          faults,
        )
      : undefined;
  for (const [chain, size] of index.latest) {
    if (!seen.has(chain)) {
      faults.add(
        chain,
        0,
        'deleted_chain',
        `index ${index.newest} signs ${size} records of this chain; the archive holds none of it`,
      );
    }
  }
  const { usedKeys, sealed, ...counts } = totals;
  const laned = lanedApplications(
    (function* () {
      yield* seen;
      yield* index.latest.keys();
    })(),
    faults.faults,
  );
  return {
    ok: faults.faults.length === 0 && faults.omitted === 0,
    chains: counts.chains,
    records: counts.records,
    checkpoints: counts.checkpoints,
    unsigned: counts.unsigned,
    indexes: index.verified,
    bytes: counts.bytes,
    pinned: counts.pinned,
    ...(usedKeys.size > 0 ? { key: [...usedKeys].sort().join(', ') } : {}),
    purged: [...counts.purged],
    ...(versions ? { versions } : {}),
    ...(sealed > 0 ? { sealed } : {}),
    ...(laned.length > 0 ? { applications: laned } : {}),
    faults: faults.faults,
    faultsOmitted: faults.omitted,
  };
};

/** The newest checkpoint of a chain must carry cosignatures of `min` distinct known
 * witnesses: they vouch that it is consistent with every head they saw before. */
const checkWitnessed = (
  chain: string,
  trusted: readonly TrustedCheckpoint[],
  note: string | undefined,
  witnesses: { keys: readonly string[]; min: number },
  faults: FaultLog,
): void => {
  const newest = trusted[trusted.length - 1];
  if (!newest || note === undefined) return;
  const cosigned = verifyCosignatures(note, witnesses.keys);
  if (cosigned.length < witnesses.min) {
    const by = cosigned.length === 0 ? 'none' : cosigned.map((c) => c.witness).join(', ');
    faults.add(
      chain,
      newest.size - 1,
      'unwitnessed',
      `the newest checkpoint (size ${newest.size}) has ${cosigned.length} of ${witnesses.min} required witness cosignatures (${by})`,
    );
  }
};

/** A chain's signed checkpoints plus the heads the index signed for it: both vouch for a
 * tree of that size, so a chain cut below either reads `truncated`. */
const withIndexHeads = (
  chain: string,
  checkpoints: readonly TrustedCheckpoint[],
  heads: ReadonlyMap<number, string> | undefined,
  faults: FaultLog,
): TrustedCheckpoint[] => {
  if (heads === undefined) return [...checkpoints];
  const bySize = new Map(checkpoints.map((c) => [c.size, c.root]));
  for (const [size, root] of heads) {
    const signed = bySize.get(size);
    if (signed === undefined) bySize.set(size, root);
    else if (signed !== root) {
      faults.add(
        chain,
        size - 1,
        'forked',
        `the index and the checkpoint at size ${size} sign different roots`,
      );
    }
  }
  return [...bySize].map(([size, root]) => ({ size, root })).sort((a, b) => a.size - b.size);
};

/** Where a body stored by reference must be (the key the ledger's body store writes), and
 * what it must hash to. The record's `body_ref` itself is not committed, so it is not used. */
export interface BodyRefCheck {
  readonly key: string;
  readonly salt: unknown;
  readonly bodyHash: string;
}

const bodyRefOf = (buf: Buffer, start: number, end: number): BodyRefCheck => {
  // readRecordLine parsed this line already: it is a JSON object with a record's shape.
  const r = JSON.parse(buf.toString('utf8', start, end)) as Record<string, unknown>;
  const bodyHash = r.body_hash as string;
  return {
    key: bodyKey(r.chain as string, r.seq as number, bodyHash),
    salt: r.body_salt,
    bodyHash,
  };
};

/** A body stored by reference that is not in the archive counts as removed. */
const checkRef = async (
  reader: ArchiveReader,
  ref: BodyRefCheck,
): Promise<'ok' | 'mismatch' | 'absent'> => {
  // A body_hash that is no hash must not become a path (`../…`) into the archive.
  if (!HASH_RE.test(ref.bodyHash)) return 'mismatch';
  const bytes = await reader.get(ref.key);
  if (bytes === undefined) return 'absent';
  return checkBodyBytes(bytes, ref.salt, ref.bodyHash) === 'ok' ? 'ok' : 'mismatch';
};

const chainOfKey = (key: string): string => {
  const segment = key.split('/')[1] ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};
