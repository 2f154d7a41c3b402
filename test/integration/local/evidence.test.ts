import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import {
  checkpointKey,
  indexCosigKey,
  indexNoteKey,
  keyFile,
  segmentKey,
} from '#core/archive/layout.ts';
import { cosign } from '#core/chain/cosignature.ts';
import { createTreeBuilder } from '#core/chain/merkle.ts';
import { splitNote } from '#core/chain/note.ts';
import { GENESIS_PREV, type LedgerRecord, type RecordKind } from '#core/chain/record.ts';
import { signIndex } from '#core/pipeline/sign-index.ts';
import type { Evidence } from '#core/report/evidence.ts';
import {
  sealTestRecord,
  segmentText,
  signCheckpoint,
  withoutBody,
} from '#test/helpers/archive-builder.ts';
import { patient } from '#test/helpers/patient-browser.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { writeEvidence } from '../../../bin/commands/report.ts';
import { loadCosigner } from '../../../bin/commands/witness.ts';

// The evidence package for November 2026 over an archive of mixed kinds, use cases and
// policy findings: every figure is recounted here straight from the archive files, and the
// HTML is rendered in a real headless browser with no network.
let dir: string;
let evidence: Evidence;
const FROM = '2026-11-01T00:00:00.000Z';
const TO = '2026-12-01T00:00:00.000Z';
const KINDS: RecordKind[] = ['decision', 'inference', 'review', 'outcome', 'legal_hold'];

const finding = (control: string, action: 'flag' | 'block') => ({
  rule_id: 'r',
  rule_name: 'r',
  detector: 'email',
  severity: 'high' as const,
  action,
  controls: [control, 'NIST-AI-RMF:MEASURE-2.10'],
});

const build = async (): Promise<void> => {
  const archive = openFileArchive(join(dir, 'archive'));
  const signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
  await archive.put(keyFile(signer.keyName), Buffer.from(`${await signer.verifierKey()}\n`));
  const heads = [];
  for (const chain of ['loans', 'support']) {
    const records: LedgerRecord[] = [];
    let prev = GENESIS_PREV;
    for (let seq = 0; seq < 40; seq++) {
      const kind: RecordKind = seq === 39 ? 'purge' : (KINDS[seq % KINDS.length] as RecordKind);
      const day = 20 + Math.floor(seq / 2); // 2026-11-20 … 2026-12-09
      const ingested = new Date(Date.UTC(2026, 10, day, 12)).toISOString();
      const decision = seq % 7 === 0 ? 'block' : seq % 3 === 0 ? 'flag' : 'pass';
      const findings =
        decision === 'pass'
          ? []
          : [finding(seq % 2 ? 'GDPR:Art-32' : 'EU-AI-Act:Art-12', decision)];
      const body =
        kind === 'review'
          ? { reviewer: 'ana', verdict: seq % 2 ? 'upheld' : 'overturned' }
          : kind === 'purge'
            ? { reason: 'retention' }
            : {
                application_id: chain,
                ...(seq % 4 === 0 ? { metadata: { use_case: 'credit' } } : { use_case: 'triage' }),
                model: 'm',
                input: { q: seq },
              };
      const record = sealTestRecord(
        chain,
        seq,
        prev,
        {
          kind,
          ingested_at: ingested,
          policy: { version: 'v', decision, findings },
          ...(kind === 'purge' ? { ref: { ranges: [[1, 1]] } } : {}),
        },
        body,
      );
      records.push(record);
      prev = record.hash;
    }
    const archived = records.map((r) => (r.seq === 1 ? withoutBody(r) : r));
    await archive.put(segmentKey(chain, 0), Buffer.from(segmentText(archived.slice(0, 25))));
    await archive.put(segmentKey(chain, 25), Buffer.from(segmentText(archived.slice(25))));
    await archive.put(
      checkpointKey(chain, 40),
      Buffer.from(await signCheckpoint(records, 40, signer)),
    );
    const tree = createTreeBuilder();
    for (const r of records) tree.pushRecordHash(r.hash);
    heads.push({ chain, size: 40, root: Buffer.from(tree.root()).toString('hex') });
  }
  await signIndex(heads, {
    archive,
    signer,
    clock: { now: () => new Date(TO) },
    logName: 'audit-trail.local',
  });
  // A witness's cosignature, stored beside the index as the checkpointer stores it.
  const cosigner = await loadCosigner(join(dir, 'witness'), 'witness.test/w1');
  const note = new TextDecoder().decode(await archive.get(indexNoteKey(1)));
  await archive.put(
    indexCosigKey(1),
    Buffer.from(await cosign(splitNote(note).text, cosigner, 1_764_547_200)),
  );
};

interface Line {
  readonly kind: string;
  readonly chain: string;
  readonly ingested_at: string;
  readonly policy: { decision: string; findings: { controls: string[] }[] };
  readonly body?: {
    use_case?: string;
    metadata?: { use_case?: string };
    decision_type?: string;
    verdict?: string;
  };
}

/** Every record line in the archive, read with nothing but fs and JSON.parse. */
const allLines = async (): Promise<Line[]> => {
  const out: Line[] = [];
  const root = join(dir, 'archive', 'chains');
  for (const entry of await readdir(root, { recursive: true })) {
    if (!entry.endsWith('.jsonl')) continue;
    const text = await readFile(join(root, entry), 'utf8');
    for (const line of text.split('\n').filter(Boolean)) out.push(JSON.parse(line));
  }
  return out;
};

const tally = (values: string[]) => {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
};

beforeAll(async () => {
  dir = await tempDir('evidence-');
  await build();
  evidence = await writeEvidence(join(dir, 'archive'), { from: FROM, to: TO }, join(dir, 'out'));
});
afterAll(async () => {
  await removeDir(dir);
});

describe('report evidence', () => {
  it('counts what an independent reading of the archive counts', async () => {
    const inPeriod = (await allLines()).filter((r) => r.ingested_at >= FROM && r.ingested_at < TO);
    const useCase = (r: Line) =>
      r.body === undefined
        ? '(body not held)'
        : (r.body.use_case ?? r.body.metadata?.use_case ?? r.body.decision_type ?? '(none)');
    const controls = inPeriod.flatMap((r) => r.policy.findings.flatMap((f) => f.controls));

    expect(evidence.volumes.records).toBe(inPeriod.length);
    expect(evidence.volumes.records).toBe(44); // seqs 0..21 (Nov 20..30) of each chain
    expect(evidence.volumes.by_kind).toEqual(tally(inPeriod.map((r) => r.kind)));
    expect(evidence.volumes.by_use_case).toEqual(tally(inPeriod.map(useCase)));
    expect(evidence.volumes.by_chain).toEqual(tally(inPeriod.map((r) => r.chain)));
    expect(evidence.policy.by_decision).toEqual(tally(inPeriod.map((r) => r.policy.decision)));
    expect(
      Object.fromEntries(evidence.policy.by_control.map((c) => [c.control, c.findings])),
    ).toEqual(tally(controls));
    const reviews = inPeriod.filter((r) => r.kind === 'review');
    expect(evidence.reviews.by_verdict).toEqual(
      tally(reviews.map((r) => r.body?.verdict ?? '(none)')),
    );
    const reviewers = evidence.record_keeping.find((k) => k.field === 'body.reviewer');
    expect(reviewers?.records_with_field).toBe(reviews.length);
    expect(evidence.nist_ai_rmf.find((f) => f.function === 'MEASURE')?.findings).toBe(
      controls.filter((c) => c.startsWith('NIST-AI-RMF:MEASURE')).length,
    );
    expect(evidence.verification).toMatchObject({ ok: true, chains: 2, records: 80, indexes: 1 });
    expect(evidence.verification.command).toBe(
      `audit-trail verify ${join(dir, 'archive')} --chain loans --chain support`,
    );
    expect(evidence.verification.verified_chains).toEqual(['loans', 'support']);
    expect(evidence.heads.chains.map((h) => [h.chain, h.size])).toEqual([
      ['loans', 40],
      ['support', 40],
    ]);
    expect(evidence.heads.index).toMatchObject({ n: 1, chains: 2 });
    expect(evidence.heads.index?.signatures.map((n) => n.split('+')[0])).toEqual([
      'audit-trail.local',
      'witness.test/w1',
    ]);
  });

  it('prints to PDF with the installed Chromium when asked', async () => {
    const out = join(dir, 'pdf');
    await writeEvidence(join(dir, 'archive'), { from: FROM, to: TO }, out, {
      pdf: { chromium: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    });
    const pdf = await readFile(join(out, 'evidence.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length ?? 0).toBeGreaterThan(0);
  });

  it('renders as a standalone page in a headless browser', async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    try {
      const page = patient(await browser.newPage());
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${join(dir, 'out', 'evidence.html')}`);
      const rows = await page.$$eval('#by-kind tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
      const shown = Object.fromEntries(rows.map(([k, n]) => [k, Number(n)]));

      expect(shown).toEqual(evidence.volumes.by_kind);
      expect(await page.textContent('#command')).toBe(evidence.verification.command);
      expect(await page.textContent('#verification')).toContain('CLEAN');
      expect(requests).toEqual([`file://${join(dir, 'out', 'evidence.html')}`]);
    } finally {
      await browser.close();
    }
  });
});
