/**
 * Records the product writes itself (appendRecords) with a sealer are sealed like ingested
 * ones, and a writer handed a reader's opening ledger still archives records as stored:
 * no opened body ever reaches a segment.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { openFileLedger } from '#adapters/local/file-ledger.ts';
import { segmentKey } from '#core/archive/layout.ts';
import { appendToChain } from '#core/pipeline/append-chain.ts';
import { appendRecords } from '#core/pipeline/append-records.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { openingLedger } from '#core/retention/opening-ledger.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import { systemClock } from '#ports/clock.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await removeDir(dir);
});

const POLICY = { version: 'none', decision: 'pass', findings: [] } as const;

describe('records the product writes, layout v2', () => {
  it('seals them with a sealer and archives through an opening ledger without opened bodies', async () => {
    // Prepare: a sealed decision appended but not archived yet (as after a crash)
    dir = await tempDir('product-records-');
    const ledger = await openFileLedger(join(dir, 'ledger'));
    const keys = await openFileBodyKeys(join(dir, 'keys'));
    const archive = openFileArchive(join(dir, 'archive'));
    const sealer = await createBodySealer(DEFAULT_RETENTION_RULES, keys);
    const now = systemClock.now().toISOString();
    await appendToChain(
      'app',
      [
        {
          kind: 'decision',
          event_id: 'd1',
          policy: POLICY,
          body: { user_id: 'ann', note: 'Gorse-Heron-Quill' },
        },
      ],
      ledger,
      now,
      sealer,
    );
    const reader = openingLedger(ledger, keys);
    expect((await reader.get('app', 0))?.body).toMatchObject({ note: 'Gorse-Heron-Quill' });

    // Act: a review written through the reader's ledger, sealed under ann's subject
    const { appended } = await appendRecords(
      'app',
      [
        {
          kind: 'review',
          event_id: 'r1',
          policy: POLICY,
          ref: { event_id: 'd1', chain: 'app', seq: 0 },
          body: { verdict: 'approve', note: 'Sedge-Plover-Ink' },
          user_id: 'ann',
        },
      ],
      { ledger: reader, archive, clock: systemClock, sealer },
    );

    // Assess
    expect(appended[0]?.body).toBeUndefined();
    expect(appended[0]?.body_enc?.s).toBe(sealer.subjects.of('ann'));
    expect((await reader.get('app', 1))?.body).toMatchObject({ note: 'Sedge-Plover-Ink' });
    const segment = new TextDecoder().decode(await archive.get(segmentKey('app', 0)));
    expect(segment.split('\n').filter(Boolean)).toHaveLength(2);
    expect(segment).not.toContain('Gorse-Heron-Quill');
    expect(segment).not.toContain('Sedge-Plover-Ink');
    await ledger.close();
  });
});
