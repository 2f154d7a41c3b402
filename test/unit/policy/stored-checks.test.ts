/**
 * The two shapes of a record's `policy.checks`: records written before every rule was
 * listed (only the rules that did not run) and records listing every rule (bare ids for
 * the ones that ran). Both read back as checks and both verify (the hash covers whatever
 * the envelope holds).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateEd25519Signer } from '#adapters/local/ed25519-signer.ts';
import { checkpointKey, keyFile, segmentKey } from '#core/archive/layout.ts';
import { GENESIS_PREV, type LedgerRecord, type PolicyResult } from '#core/chain/record.ts';
import { expandChecks, storedCheck } from '#core/policy/checks.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import type { SignerPort } from '#ports/signer.ts';
import {
  type LineFormat,
  MemoryArchive,
  sealTestRecord,
  segmentText,
  signCheckpoint,
} from '#test/helpers/archive-builder.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';

const timeout = {
  rule_id: 'slow',
  status: 'timeout',
  error: 'CheckTimeoutError: no answer within 200 ms',
  fail_mode: 'flag',
} as const;
const skipped = { rule_id: 'off', status: 'skipped', reason: 'disabled' } as const;

/** Before: only the rules that did not run. */
const oldShape: PolicyResult = {
  version: 'v',
  decision: 'flag',
  findings: [],
  checks: [skipped, timeout],
};
/** Now: every rule, bare ids for the ones that ran. */
const newShape: PolicyResult = { ...oldShape, checks: [skipped, timeout, 'card', 'email'] };

describe('stored checks', () => {
  it('stores a rule that ran as its id and any other check whole', () => {
    expect(storedCheck({ rule_id: 'card', status: 'ran' })).toBe('card');
    expect(storedCheck(timeout)).toBe(timeout);
    expect(storedCheck(skipped)).toBe(skipped);
  });

  it('reads both shapes back as checks', () => {
    expect(expandChecks(oldShape.checks)).toEqual([skipped, timeout]);
    expect(expandChecks(newShape.checks)).toEqual([
      skipped,
      timeout,
      { rule_id: 'card', status: 'ran' },
      { rule_id: 'email', status: 'ran' },
    ]);
    expect(expandChecks(undefined)).toEqual([]);
  });

  describe('a chain mixing old and new records verifies', () => {
    let dir: string;
    let signer: SignerPort;
    beforeAll(async () => {
      dir = await tempDir('stored-checks-');
      signer = await loadOrCreateEd25519Signer(join(dir, 'signer'));
    });
    afterAll(() => removeDir(dir));

    it.each(['laid-out', 'json'] as const)('in %s lines', async (format: LineFormat) => {
      const records: LedgerRecord[] = [];
      let prev = GENESIS_PREV;
      for (const [seq, policy] of [oldShape, newShape, oldShape, newShape].entries()) {
        const record = sealTestRecord('app', seq, prev, { policy });
        records.push(record);
        prev = record.hash;
      }
      const archive = new MemoryArchive();
      await archive.put(keyFile(signer.keyName), Buffer.from(`${await signer.verifierKey()}\n`));
      await archive.put(segmentKey('app', 0), Buffer.from(segmentText(records, format)));
      const note = await signCheckpoint(records, records.length, signer);
      await archive.put(checkpointKey('app', records.length), Buffer.from(note));

      const report = await verifyArchive(archive);
      expect(report.faults).toEqual([]);
      expect(report).toMatchObject({ ok: true, records: 4 });

      // The checks are hashed: changing one (old or new shape) is caught.
      const tampered = segmentText(records, format).replace('"card"', '"cart"');
      archive.overwrite(segmentKey('app', 0), tampered);
      const after = await verifyArchive(archive);
      expect(after.faults.map((f) => [f.seq, f.kind])).toEqual([[1, 'modified']]);
    });
  });
});
