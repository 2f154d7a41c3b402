/**
 * The auditor's evidence package for a period: every figure is counted from the archive's
 * record lines (what the verifier checks), never from the ledger, so an auditor can recompute
 * each one from the archive and the public key. Records are in the period when
 * `from <= ingested_at < to`. Kinds are counted generically: a kind added later is counted
 * without a change here. Layout v2 bodies are opened with the body keys when given; without
 * them (or once purged) the use case is read from the envelope's retention rule when a
 * use-case rule sealed it. The verification covers the chains with records in the period,
 * with the command line that reproduces it.
 */
import {
  bodyKey,
  chainsPrefix,
  indexCosigKey,
  indexNoteKey,
  parseKey,
} from '#core/archive/layout.ts';
import { indexNoteOf } from '#core/chain/chain-index.ts';
import { parseCheckpoint } from '#core/chain/checkpoint.ts';
import { splitNote } from '#core/chain/note.ts';
import type { Finding, LedgerRecord } from '#core/chain/record.ts';
import { useCaseOf } from '#core/events/use-case.ts';
import { latestIndexNumber } from '#core/pipeline/sign-index.ts';
import { openRecord } from '#core/retention/open-record.ts';
import { LineSplitter } from '#core/verify/line-splitter.ts';
import type { VerifyReport } from '#core/verify/report.ts';
import type { ArchiveReader } from '#core/verify/verify-archive.ts';
import type { BodyKeysPort } from '#ports/body-keys.ts';
import { RECORD_KEEPING, rmfFunctionOf } from './frameworks.ts';

export interface EvidenceQuery {
  /** ISO 8601, inclusive. */
  readonly from: string;
  /** ISO 8601, exclusive. */
  readonly to: string;
  readonly useCase?: string;
  readonly chain?: string;
}

type Counts = Record<string, number>;

export interface Evidence {
  readonly format: 'audit-trail-evidence/v1';
  readonly generated_at: string;
  readonly query: EvidenceQuery;
  readonly archive: string;
  readonly volumes: {
    readonly records: number;
    readonly by_kind: Counts;
    readonly by_use_case: Counts;
    readonly by_chain: Counts;
  };
  readonly policy: {
    readonly by_decision: Counts;
    readonly by_control: readonly {
      readonly control: string;
      readonly findings: number;
      readonly records: number;
      readonly by_action: Counts;
    }[];
  };
  readonly record_keeping: readonly {
    readonly article: string;
    readonly requirement: string;
    readonly field: string;
    readonly where: string;
    readonly records_with_field: number;
  }[];
  readonly nist_ai_rmf: readonly {
    readonly function: string;
    readonly controls: readonly string[];
    readonly findings: number;
  }[];
  readonly reviews: { readonly records: number; readonly by_verdict: Counts };
  readonly fairness_reviews: number;
  readonly purges: number;
  readonly legal_holds: number;
  readonly heads: {
    readonly chains: readonly {
      readonly chain: string;
      readonly size: number;
      readonly root: string;
      readonly signatures: readonly string[];
    }[];
    /** The newest index of chains: its heads root, and the names on its signature lines and
     * on the witness cosignatures stored beside it. */
    readonly index?: {
      readonly n: number;
      readonly chains: number;
      readonly root: string;
      readonly signatures: readonly string[];
    };
  };
  readonly verification: {
    readonly command: string;
    /** The chains verified: those with records in the period (all when none has). */
    readonly verified_chains: readonly string[];
    readonly ok: boolean;
    readonly chains: number;
    readonly records: number;
    readonly checkpoints: number;
    readonly indexes: number;
    readonly faults: number;
    readonly by_kind: Counts;
    readonly key?: string;
    readonly pinned: boolean;
  };
}

const add = (counts: Counts, key: string, n = 1): void => {
  counts[key] = (counts[key] ?? 0) + n;
};

const sorted = (counts: Counts): Counts =>
  Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at a dotted path (`body.model`), or undefined. */
const at = (record: Record<string, unknown>, path: string): unknown => {
  let value: unknown = record;
  for (const part of path.split('.')) value = isObject(value) ? value[part] : undefined;
  return value;
};

const decoder = new TextDecoder();

/** `<name>+<hex key id>` of each signature line of a note. */
const signersOf = (lines: ReturnType<typeof splitNote>['lines']): string[] =>
  lines.map((l) => `${l.name}+${Buffer.from(l.id).toString('hex')}`);

/** Each archived record line of the chains, parsed (lines that do not parse are skipped:
 * the verifier reports them). */
async function* archivedRecords(
  reader: ArchiveReader,
  chain: string | undefined,
): AsyncIterable<Record<string, unknown>> {
  for await (const key of reader.list(chainsPrefix)) {
    const parsed = parseKey(key);
    if (parsed?.type !== 'segment' || (chain !== undefined && parsed.chain !== chain)) continue;
    const lines: Record<string, unknown>[] = [];
    const splitter = new LineSplitter({
      line: (buf, start, end) => {
        try {
          const value = JSON.parse(buf.toString('utf8', start, end)) as unknown;
          if (isObject(value)) lines.push(value);
        } catch {
          // not a record: the verifier names it
        }
      },
      oversize: () => undefined,
    });
    for await (const chunk of reader.stream(key)) {
      splitter.push(chunk);
      yield* lines.splice(0);
    }
    splitter.end();
    yield* lines.splice(0);
  }
}

/** The newest checkpoint of each chain, with the names on its signature lines. */
const chainHeads = async (reader: ArchiveReader, chain: string | undefined) => {
  const newest = new Map<string, string>();
  for await (const key of reader.list(chainsPrefix)) {
    const parsed = parseKey(key);
    if (parsed?.type === 'checkpoint' && (chain === undefined || parsed.chain === chain)) {
      newest.set(parsed.chain, key);
    }
  }
  const heads: Evidence['heads']['chains'][number][] = [];
  for (const [name, key] of newest) {
    const bytes = await reader.get(key);
    if (!bytes) continue;
    try {
      const { text, lines } = splitNote(decoder.decode(bytes));
      const checkpoint = parseCheckpoint(text);
      heads.push({
        chain: name,
        size: checkpoint.size,
        root: Buffer.from(checkpoint.root).toString('hex'),
        signatures: signersOf(lines),
      });
    } catch {
      // a malformed checkpoint is the verifier's to report
    }
  }
  return heads;
};

const indexHead = async (reader: ArchiveReader): Promise<Evidence['heads']['index']> => {
  const n = await latestIndexNumber(reader);
  const bytes = n > 0 ? await reader.get(indexNoteKey(n)) : undefined;
  if (!bytes) return undefined;
  try {
    const cosig = await reader.get(indexCosigKey(n));
    const { text, lines } = splitNote(decoder.decode(bytes) + (cosig ? decoder.decode(cosig) : ''));
    const note = indexNoteOf(parseCheckpoint(text));
    return {
      n: note.n,
      chains: note.heads.count,
      root: note.heads.root,
      signatures: signersOf(lines),
    };
  } catch {
    return undefined;
  }
};

/** Where the evidence comes from. */
export interface EvidenceSources {
  readonly reader: ArchiveReader;
  /** Opens layout v2 bodies (use cases, reviewers, verdicts) while their keys exist. */
  readonly bodyKeys?: Pick<BodyKeysPort, 'get'>;
  /** Verifies these chains (all when empty); the report and the command line that
   * reproduces it (see verifyCommand). */
  readonly verify: (
    chains: ReadonlySet<string>,
  ) => Promise<{ readonly report: VerifyReport; readonly command: string }>;
}

const quote = (arg: string): string =>
  /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;

/** The `audit-trail verify` command line an auditor runs to reproduce a verification. */
export const verifyCommand = (
  location: string,
  chains: ReadonlySet<string>,
  files: { readonly publicKey?: string; readonly bodyKeys?: string } = {},
): string =>
  [
    'audit-trail',
    'verify',
    location,
    ...[...chains].sort().flatMap((c) => ['--chain', c]),
    ...(files.publicKey === undefined ? [] : ['--public-key', files.publicKey]),
    ...(files.bodyKeys === undefined ? [] : ['--body-keys', files.bodyKeys]),
  ]
    .map(quote)
    .join(' ');

/** The use case a retention rule names (`use_case=x,kind=y`), if it does. */
const useCaseOfRule = (record: Record<string, unknown>): string | undefined => {
  const rule = isObject(record.retention) ? record.retention.rule : undefined;
  if (typeof rule !== 'string') return undefined;
  for (const part of rule.split(',')) {
    if (part.startsWith('use_case=')) return part.slice('use_case='.length);
  }
  return undefined;
};

/** The record as readers see it: a sealed body opened, a body by reference read. */
const withBody = async (
  record: Record<string, unknown>,
  sources: EvidenceSources,
): Promise<Record<string, unknown>> => {
  if (record.body_enc !== undefined && sources.bodyKeys !== undefined) {
    return (await openRecord(
      record as unknown as LedgerRecord,
      sources.bodyKeys,
    )) as unknown as Record<string, unknown>;
  }
  if (isObject(record.body_ref) && typeof record.body_hash === 'string') {
    const bytes = await sources.reader.get(
      bodyKey(String(record.chain), Number(record.seq), record.body_hash),
    );
    try {
      return bytes === undefined ? record : { ...record, body: JSON.parse(decoder.decode(bytes)) };
    } catch {
      return record;
    }
  }
  return record;
};

/** The use case of a record: from its body, else from its retention rule, else why not. */
const useCaseOfRecord = (
  line: Record<string, unknown>,
  record: Record<string, unknown>,
  keys: boolean,
): string => {
  if (record.body !== undefined) return useCaseOf(record.body) ?? '(none)';
  const byRule = useCaseOfRule(line);
  if (byRule !== undefined) return byRule;
  if (line.body_enc !== undefined) return keys ? '(body purged)' : '(body sealed; no body keys)';
  return '(body not held)';
};

/** Builds the evidence for the query from the archive and a verification of its chains. */
export const buildEvidence = async (
  sources: EvidenceSources,
  query: EvidenceQuery,
  context: { readonly archive: string; readonly now: Date },
): Promise<Evidence> => {
  const { reader } = sources;
  const byKind: Counts = {};
  const byUseCase: Counts = {};
  const byChain: Counts = {};
  const byDecision: Counts = {};
  const controls = new Map<string, { findings: number; records: number; by_action: Counts }>();
  const fieldCounts = RECORD_KEEPING.map(() => 0);
  const byVerdict: Counts = {};
  let records = 0;
  let fairness = 0;

  for await (const line of archivedRecords(reader, query.chain)) {
    const ingested = typeof line.ingested_at === 'string' ? line.ingested_at : '';
    if (ingested < query.from || ingested >= query.to) continue;
    const record = await withBody(line, sources);
    const useCase = useCaseOfRecord(line, record, sources.bodyKeys !== undefined);
    if (query.useCase !== undefined && useCase !== query.useCase) continue;
    records++;
    const kind = String(record.kind);
    add(byKind, kind);
    add(byUseCase, useCase);
    add(byChain, String(record.chain));
    const policy = isObject(record.policy) ? record.policy : {};
    add(byDecision, String(policy.decision ?? '(none)'));
    const seen = new Set<string>();
    for (const finding of (Array.isArray(policy.findings) ? policy.findings : []) as Finding[]) {
      for (const control of Array.isArray(finding.controls) ? finding.controls : []) {
        const entry = controls.get(control) ?? { findings: 0, records: 0, by_action: {} };
        entry.findings++;
        add(entry.by_action, String(finding.action));
        if (!seen.has(control)) entry.records++;
        seen.add(control);
        controls.set(control, entry);
      }
    }
    RECORD_KEEPING.forEach((item, i) => {
      if (item.kinds !== undefined && !item.kinds.includes(kind)) return;
      if (at(record, item.field) !== undefined) fieldCounts[i] = (fieldCounts[i] ?? 0) + 1;
    });
    if (kind === 'review') {
      const body = isObject(record.body) ? record.body : {};
      const verdict = body.verdict ?? body.decision ?? body.label;
      add(byVerdict, typeof verdict === 'string' ? verdict : '(none)');
      if (body.type === 'fairness' || body.review_type === 'fairness') fairness++;
    }
  }

  const byControl = [...controls]
    .map(([control, c]) => ({ control, ...c, by_action: sorted(c.by_action) }))
    .sort((a, b) => (a.control < b.control ? -1 : 1));
  const rmf = new Map<string, { controls: Set<string>; findings: number }>();
  for (const fn of ['GOVERN', 'MAP', 'MEASURE', 'MANAGE']) {
    rmf.set(fn, { controls: new Set(), findings: 0 });
  }
  for (const c of byControl) {
    const fn = rmfFunctionOf(c.control);
    const entry = fn === undefined ? undefined : rmf.get(fn);
    if (!entry) continue;
    entry.controls.add(c.control);
    entry.findings += c.findings;
  }
  const verified = new Set(Object.keys(byChain));
  if (query.chain !== undefined) verified.add(query.chain);
  const { report, command } = await sources.verify(verified);
  const faultKinds: Counts = {};
  for (const f of report.faults) add(faultKinds, f.kind);
  const index = await indexHead(reader);

  return {
    format: 'audit-trail-evidence/v1',
    generated_at: context.now.toISOString(),
    query,
    archive: context.archive,
    volumes: {
      records,
      by_kind: sorted(byKind),
      by_use_case: sorted(byUseCase),
      by_chain: sorted(byChain),
    },
    policy: { by_decision: sorted(byDecision), by_control: byControl },
    record_keeping: RECORD_KEEPING.map((item, i) => ({
      article: item.article,
      requirement: item.requirement,
      field: item.field,
      where: item.where,
      records_with_field: fieldCounts[i] ?? 0,
    })),
    nist_ai_rmf: [...rmf].map(([fn, e]) => ({
      function: fn,
      controls: [...e.controls].sort(),
      findings: e.findings,
    })),
    reviews: { records: byKind.review ?? 0, by_verdict: sorted(byVerdict) },
    fairness_reviews: fairness,
    purges: byKind.purge ?? 0,
    legal_holds: byKind.legal_hold ?? 0,
    heads: {
      chains: await chainHeads(reader, query.chain),
      ...(index ? { index } : {}),
    },
    verification: {
      command,
      verified_chains: [...verified].sort(),
      ok: report.ok,
      chains: report.chains,
      records: report.records,
      checkpoints: report.checkpoints,
      indexes: report.indexes,
      faults: report.faults.length + report.faultsOmitted,
      by_kind: sorted(faultKinds),
      ...(report.key === undefined ? {} : { key: report.key }),
      pinned: report.pinned,
    },
  };
};
