import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { checkpointKey, keyFile, segmentKey } from '#core/archive/layout.ts';
import { GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import type { Evidence } from '#core/report/evidence.ts';
import { keyIdsOf } from '#core/retention/body-crypto.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { DEFAULT_RETENTION_DAYS } from '#core/retention/rules.ts';
import { sealTestRecord, segmentText, signCheckpoint } from '#test/helpers/archive-builder.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { writeEvidence } from '../../../bin/commands/report.ts';

// The evidence package over layout v2 (sealed bodies): use cases are counted from the bodies
// opened with the body keys, from the envelope's retention rule where a use-case rule
// sealed a body whose keys are gone (or not given), and never as "(body not held)" for a
// body that is held. Only the chains with records in the period are verified.
let dir: string;
const FROM = '2026-11-01T00:00:00.000Z';
const TO = '2026-12-01T00:00:00.000Z';
const keysDir = () => join(dir, 'body-keys');
const archiveDir = () => join(dir, 'archive');

const build = async (): Promise<void> => {
  const archive = openFileArchive(archiveDir());
  const signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
  await archive.put(keyFile(signer.keyName), Buffer.from(`${await signer.verifierKey()}\n`));
  const keys = await openFileBodyKeys(keysDir());
  const sealer = await createBodySealer(
    {
      retentionDays: DEFAULT_RETENTION_DAYS,
      retentionOverrides: [{ useCase: 'credit', days: 400 }],
    },
    keys,
  );
  const chains = [
    { chain: 'sealed', day: 10, count: 6 },
    { chain: 'old', day: -5, count: 3 }, // all before the period
  ];
  for (const { chain, day, count } of chains) {
    const records: LedgerRecord[] = [];
    let prev = GENESIS_PREV;
    for (let seq = 0; seq < count; seq++) {
      const useCase = seq < 3 ? 'credit' : 'triage';
      const ingested = new Date(Date.UTC(2026, 10, day + seq, 12)).toISOString();
      const record = sealTestRecord(
        chain,
        seq,
        prev,
        {
          kind: 'inference',
          ingested_at: ingested,
          retention: sealer.retention({ kind: 'inference', chain, useCase }, ingested),
        },
        { use_case: useCase, model: 'm', input: { q: seq } },
      );
      records.push(record);
      prev = record.hash;
    }
    const stored = await sealer.seal(records);
    await archive.put(segmentKey(chain, 0), Buffer.from(segmentText(stored)));
    await archive.put(
      checkpointKey(chain, count),
      Buffer.from(await signCheckpoint(records, count, signer)),
    );
    if (chain === 'sealed') {
      // Bodies 2 (credit) and 5 (triage) erased: their subject keys destroyed.
      for (const seq of [2, 5]) {
        const sealed = (stored[seq] as LedgerRecord).body_enc;
        if (sealed === undefined) throw new Error('not sealed');
        await keys.destroy([keyIdsOf(chain, seq, sealed)[2] as string]);
      }
    }
  }
};

let withKeys: Evidence;
let withoutKeys: Evidence;

beforeAll(async () => {
  dir = await tempDir('evidence-v2-');
  await build();
  const query = { from: FROM, to: TO };
  withKeys = await writeEvidence(archiveDir(), query, join(dir, 'out'), { bodyKeys: keysDir() });
  withoutKeys = await writeEvidence(archiveDir(), query, join(dir, 'out2'));
});
afterAll(async () => {
  await removeDir(dir);
});

describe('evidence over sealed bodies', () => {
  it('counts use cases from opened bodies, and from the retention rule for gone ones', () => {
    expect(withKeys.volumes.records).toBe(6);
    expect(withKeys.volumes.by_use_case).toEqual({
      credit: 3, // 0 and 1 opened, 2 from its rule `use_case=credit,kind=*`
      triage: 2,
      '(body purged)': 1, // 5: the default rule `kind=inference` names no use case
    });
    expect(withKeys.record_keeping.find((k) => k.field === 'body.model')?.records_with_field).toBe(
      4,
    );
  });

  it('without the body keys, counts from the envelope what it names', () => {
    expect(withoutKeys.volumes.by_use_case).toEqual({
      credit: 3,
      '(body sealed; no body keys)': 3,
    });
  });

  it('verifies only the chains with records in the period, with the command to rerun it', () => {
    expect(withKeys.verification.verified_chains).toEqual(['sealed']);
    expect(withKeys.verification.chains).toBe(1);
    expect(withKeys.verification.records).toBe(6);
    expect(withKeys.verification.command).toBe(
      `audit-trail verify ${archiveDir()} --chain sealed --body-keys ${keysDir()}`,
    );
    // The erased bodies have no purge record: the verifier with the keys says so.
    expect(withKeys.verification.by_kind).toEqual({ unlogged_purge: 2 });
    expect(withoutKeys.verification).toMatchObject({ ok: true, chains: 1, records: 6 });
  });

  it('counts only the use case asked for', async () => {
    const credit = await writeEvidence(
      archiveDir(),
      { from: FROM, to: TO, useCase: 'credit' },
      join(dir, 'out3'),
      { bodyKeys: keysDir() },
    );
    expect(credit.volumes.records).toBe(3);
  });
});
