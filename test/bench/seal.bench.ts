/**
 * The two layout v2 steps of the ingest path measured apart, before and after the fifth
 * session's cuts, in one process, rounds interleaved (issue 7):
 *
 *   node test/bench/seal.bench.ts [--records 20000] [--rounds 5]
 *
 * - seal: one ~1 KB decision body sealed with its `body_enc` text, as the sealer did before
 *   (sealBody, then JSON.stringify of a copied object, then a copy of it with `ct` sliced)
 *   and as it does now (sealBodyWithText: the text joined from its base64 parts);
 * - checkpoint read: the leaves of one archived segment (archivedLeaves), of layout v1 lines,
 *   of layout v2 lines, and of the same v2 lines each with one space added before the
 *   `body_enc` object's `}` (valid JSON the sealer never writes: read whole by the general
 *   reader, as the checkpointer read every v2 line before sealed-tail.ts).
 *
 * With `--against <tree>` (a checkout of this repository at an older commit, node_modules
 * linked) the old tree's modules are loaded into the same process beside this tree's, and two
 * more steps are measured for both, rounds interleaved (sixth pass):
 * - seal: sealBodyWithText as the sealer calls it (with the JSON strings of `p` and `s` it
 *   makes per batch; an older sealBodyWithText ignores them);
 * - build: appendToChain of batches of 100 decision records (1,000 users, as the ingest
 *   bench's) onto a ledger that takes them, layout v1 (no sealer) and v2 (a sealer over an
 *   in-memory key store): retention, keys, hashing and sealing, the processor's per-record
 *   work before the ledger writes.
 *
 * Figures are process CPU µs per record (`process.cpuUsage()`), medians of the rounds.
 */
import { createHash, randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { segmentKey, segmentsPrefix } from '#core/archive/layout.ts';
import { formatRecordLine, sealedBodyJson } from '#core/archive/record-line.ts';
import { canonicalJson } from '#core/chain/canonical.ts';
import { sealRecord } from '#core/chain/hash.ts';
import { GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import { archivedLeaves } from '#core/pipeline/archived-leaves.ts';
import { sealBody, sealBodyWithText } from '#core/retention/body-crypto.ts';
import type { ArchivePort } from '#ports/archive.ts';
import type { BodyKeysPort } from '#ports/body-keys.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import { median } from './stats.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    against: { type: 'string' },
  },
});
const count = Number(values.records);
const rounds = Number(values.rounds);

const filler = 'The applicant meets the minimum score; approval depends on the ratio. '.repeat(11);
const bodyOf = (i: number) => ({
  decision_id: `dec-${String(i).padStart(10, '0')}`,
  application: 'bench-app',
  timestamp: '2025-01-01T00:00:00Z',
  input: { query: filler.slice(0, 700) },
  output: 'approved',
  metadata: { user_id: `user-${i % 1000}`, model: 'gpt-4', risk_category: 'credit' },
});
const periodKey = randomBytes(32);
const subjectKey = randomBytes(32);
const PERIOD = 'kind=decision/2026-01-01';
const SUBJECT = `u:${'ab'.repeat(20)}`;
const texts = Array.from({ length: 1000 }, (_, i) => canonicalJson(bodyOf(i)));
const SALT = 'a'.repeat(32);
const BODY_HASH = 'b'.repeat(64);

/** CPU µs per call of `step` over `calls` calls. */
const cpuPer = (step: (i: number) => unknown, calls = count): number => {
  const started = process.cpuUsage();
  let keep: unknown;
  for (let i = 0; i < calls; i++) keep = step(i);
  const cpu = process.cpuUsage(started);
  if (keep === undefined) throw new Error('nothing made');
  return (cpu.user + cpu.system) / calls;
};

const sealBefore = (i: number) => {
  const where = { chain: 'bench', seq: i, body_hash: BODY_HASH };
  const made = sealBody(periodKey, subjectKey, where, PERIOD, SUBJECT, SALT, texts[i % 1000] ?? '');
  const json = sealedBodyJson(made);
  return { sealed: { ...made, ct: json.slice(7, 7 + made.ct.length) }, text: json };
};
const sealNow = (i: number) =>
  sealBodyWithText(
    periodKey,
    subjectKey,
    { chain: 'bench', seq: i, body_hash: BODY_HASH },
    PERIOD,
    SUBJECT,
    SALT,
    texts[i % 1000] ?? '',
  );

/** The two steps measured against an older tree, from one tree's modules. */
interface TreeSteps {
  seal(i: number): unknown;
  build(layout: 'v1' | 'v2', records: number): Promise<number>;
  readonly archivedLeaves: typeof archivedLeaves;
}
const PERIOD_JSON = JSON.stringify(PERIOD);
const SUBJECT_JSON = JSON.stringify(SUBJECT);
/** Keys made from their ids once, then looked up (as the file key store's are). */
const madeKeys = new Map<string, Buffer>();
const keyOf = (id: string): Buffer => {
  let key = madeKeys.get(id);
  if (key === undefined) {
    key = createHash('sha256').update(`key ${id}`).digest();
    madeKeys.set(id, key);
  }
  return key;
};
const memoryKeys: BodyKeysPort = {
  ensure: async (ids) => new Map(ids.map((id) => [id, keyOf(id)])),
  get: async (ids) => new Map(ids.map((id) => [id, keyOf(id)])),
  put: async () => undefined,
  destroy: async () => 0,
  ids: async () => [],
};
const stepsOf = async (root: string): Promise<TreeSteps> => {
  const from = (path: string) => import(pathToFileURL(join(root, path)).href);
  const crypto: typeof import('#core/retention/body-crypto.ts') = await from(
    'lambdas/core/retention/body-crypto.ts',
  );
  const chain: typeof import('#core/pipeline/append-chain.ts') = await from(
    'lambdas/core/pipeline/append-chain.ts',
  );
  const sealing: typeof import('#core/retention/body-sealer.ts') = await from(
    'lambdas/core/retention/body-sealer.ts',
  );
  const rules: typeof import('#core/retention/rules.ts') = await from(
    'lambdas/core/retention/rules.ts',
  );
  const leaves: typeof import('#core/pipeline/archived-leaves.ts') = await from(
    'lambdas/core/pipeline/archived-leaves.ts',
  );
  const sealer = await sealing.createBodySealer(rules.DEFAULT_RETENTION_RULES, memoryKeys);
  let seq = -1;
  let prev = GENESIS_PREV;
  const ledger = {
    head: async (name: string) => ({ chain: name, seq, hash: prev }),
    append: async (_head: unknown, records: LedgerRecord[]) => {
      seq += records.length;
      prev = records.at(-1)?.hash ?? prev;
    },
  } as unknown as LedgerPort;
  const at = new Date().toISOString();
  return {
    archivedLeaves: leaves.archivedLeaves,
    seal: (i) =>
      crypto.sealBodyWithText(
        periodKey,
        subjectKey,
        { chain: 'bench', seq: i, body_hash: BODY_HASH },
        PERIOD,
        SUBJECT,
        SALT,
        texts[i % 1000] ?? '',
        PERIOD_JSON,
        SUBJECT_JSON,
      ),
    build: async (layout, records) => {
      const started = process.cpuUsage();
      for (let first = 0; first < records; first += 100) {
        const pending = Array.from({ length: Math.min(100, records - first) }, (_, i) => ({
          kind: 'decision' as const,
          event_id: `e-${layout}-${seq + 1 + first + i}`,
          policy: { version: 'v', decision: 'pass' as const, findings: [] },
          body: bodyOf(first + i),
        }));
        await chain.appendToChain(
          'bench',
          pending,
          ledger,
          at,
          layout === 'v2' ? sealer : undefined,
        );
      }
      const cpu = process.cpuUsage(started);
      return (cpu.user + cpu.system) / records;
    },
  };
};

/** One segment of `count` records of the chain `bench`, each layout. */
const segment = (sealed: boolean): Buffer => {
  const lines: string[] = [];
  let prev = GENESIS_PREV;
  for (let seq = 0; seq < count; seq++) {
    const envelope = {
      chain: 'bench',
      seq,
      kind: 'decision' as const,
      event_id: `e-${seq}`,
      ingested_at: '2026-01-01T00:00:00.000Z',
      policy: { version: 'v', decision: 'pass' as const, findings: [] },
      ...(sealed ? { retention: { rule: 'kind=decision', until: '2033-01-02' } } : {}),
      prev,
    };
    const record: LedgerRecord = sealed
      ? sealRecord(envelope, bodyOf(seq), undefined, (text, salt, bodyHash) =>
          sealBodyWithText(
            periodKey,
            subjectKey,
            { chain: 'bench', seq, body_hash: bodyHash },
            PERIOD,
            SUBJECT,
            salt,
            text,
          ),
        )
      : sealRecord(envelope, bodyOf(seq));
    lines.push(`${formatRecordLine(record)}\n`);
    prev = record.hash;
  }
  return Buffer.from(lines.join(''));
};

/** An archive holding one segment, streamed in 64 KiB chunks as the file archive does. */
const archiveOf = (bytes: Buffer): ArchivePort => ({
  put: () => Promise.reject(new Error('read only')),
  get: async () => bytes,
  list: async function* (prefix) {
    if (prefix === segmentsPrefix('bench')) yield segmentKey('bench', 0);
  },
  stream: async function* () {
    for (let at = 0; at < bytes.length; at += 65536) yield bytes.subarray(at, at + 65536);
  },
});

const leavesCpu = async (archive: ArchivePort, read = archivedLeaves): Promise<number> => {
  const started = process.cpuUsage();
  let leaves = 0;
  for await (const _ of read(archive, 'bench', 0, count - 1)) leaves++;
  const cpu = process.cpuUsage(started);
  if (leaves !== count) throw new Error(`${leaves} leaves`);
  return (cpu.user + cpu.system) / count;
};

const v1 = segment(false);
const v2 = segment(true);
const v2Whole = Buffer.from(v2.toString('utf8').replaceAll('"v":2}}', '"v":2 }}'));
const figures: Record<string, number[]> = {};
const note = (name: string, us: number) => {
  figures[name] ??= [];
  figures[name].push(us);
};
const trees =
  values.against === undefined
    ? []
    : ([
        [`${values.against} (old)`, await stepsOf(values.against)],
        ['this tree', await stepsOf(fileURLToPath(new URL('../..', import.meta.url)))],
      ] as const);
// One round unmeasured first: the optimising compiler's work is not per record.
for (let round = -1; round < rounds; round++) {
  // Old and new alternate, and which goes first alternates too.
  // The trees take turns in tenths of a round (which goes first alternating), so both see
  // the same moments' load; each round's old − new difference is noted too.
  const sums = trees.map(() => ({ seal: 0, v1: 0, v2: 0, read: 0 }));
  for (let tenth = 0; trees.length > 0 && tenth < 10; tenth++) {
    const order = (round + tenth) % 2 === 0 ? [0, 1] : [1, 0];
    for (const t of order) {
      const [, steps] = trees[t] as (typeof trees)[number];
      const sum = sums[t] as { seal: number; v1: number; v2: number; read: number };
      sum.seal += cpuPer(steps.seal, count / 10) / 10;
      sum.v1 += (await steps.build('v1', count / 10)) / 10;
      sum.v2 += (await steps.build('v2', count / 10)) / 10;
      if (tenth % 5 === 0) sum.read += (await leavesCpu(archiveOf(v2), steps.archivedLeaves)) / 2;
    }
  }
  if (round >= 0) {
    trees.forEach(([name], t) => {
      const sum = sums[t] as { seal: number; v1: number; v2: number; read: number };
      note(`seal, ${name} (sealBodyWithText)`, sum.seal);
      note(`build, ${name}, layout v1 (appendToChain)`, sum.v1);
      note(`build, ${name}, layout v2 (appendToChain)`, sum.v2);
      note(`build, ${name}, v2 − v1`, sum.v2 - sum.v1);
      note(`checkpoint read, ${name}, v2 lines (archivedLeaves)`, sum.read);
    });
    const [old, now] = sums;
    if (old !== undefined && now !== undefined) {
      note('seal, old − this tree (per round)', old.seal - now.seal);
      note('build v2, old − this tree (per round)', old.v2 - now.v2);
      note('checkpoint read v2, old − this tree (per round)', old.read - now.read);
    }
  }
  const seal = [cpuPer(sealBefore), cpuPer(sealNow)];
  const reads = [
    await leavesCpu(archiveOf(v1)),
    await leavesCpu(archiveOf(v2)),
    await leavesCpu(archiveOf(v2Whole)),
  ];
  if (round < 0) continue;
  note('seal, before (sealBody + JSON.stringify + copy)', seal[0] as number);
  note('seal, now (sealBodyWithText)', seal[1] as number);
  note('checkpoint read, v1 lines (archivedLeaves)', reads[0] as number);
  note('checkpoint read, v2 lines (archivedLeaves)', reads[1] as number);
  note('checkpoint read, v2 lines read whole (the checkpointer before)', reads[2] as number);
}
for (const [name, xs] of Object.entries(figures)) {
  console.log(
    `${name}: CPU ${median(xs).toFixed(2)} µs/record (${xs.map((x) => x.toFixed(2)).join(', ')})`,
  );
}
console.log(
  `${count} records × ${rounds} rounds, interleaved; load average ${loadavg()[0]?.toFixed(1)} at end`,
);
