import { describe, expect, it } from 'vitest';
import {
  checkVersions,
  type ObjectVersion,
  tryCheckVersions,
} from '#core/verify/object-versions.ts';
import { FaultLog } from '#core/verify/report.ts';

// The reporting logic on a version listing as S3 ListObjectVersions gives it (s3rver has no
// versioning to produce one).
const NOW = new Date('2026-12-05T00:00:00Z');
const v = (key: string, versionId: string, isLatest: boolean, extra: Partial<ObjectVersion> = {}) =>
  ({ key, versionId, isLatest, deleteMarker: false, ...extra }) as ObjectVersion;
const marker = (key: string, versionId: string) =>
  ({ key, versionId, isLatest: true, deleteMarker: true }) as ObjectVersion;

describe('checkVersions', () => {
  it('names a locked object hidden behind a delete marker, counts old versions and markers', async () => {
    const faults = new FaultLog();
    const listing = [
      v('chains/app-1/segments/000000000000.jsonl', 'a1', true),
      marker('chains/app-1/segments/000000000050.jsonl', 'm1'),
      v('chains/app-1/segments/000000000050.jsonl', 'a2', false, {
        retainUntil: new Date('2033-01-01T00:00:00Z'),
      }),
      marker('chains/app%2F2/checkpoints/000000000010.ckpt', 'm2'),
      v('chains/app%2F2/checkpoints/000000000010.ckpt', 'b1', false), // retention unknown
      marker('quarantine/2025-01-01/x.bin', 'm3'),
      v('quarantine/2025-01-01/x.bin', 'q1', false, { retainUntil: new Date('2025-06-01') }),
      v('keys/audit-trail.local.vkey', 'k2', true),
      v('keys/audit-trail.local.vkey', 'k1', false),
    ];

    const found = await checkVersions(listing, NOW, faults);

    expect(faults.faults.map((f) => [f.kind, f.chain])).toEqual([
      ['hidden_version', 'app-1'],
      ['hidden_version', 'app/2'],
    ]);
    expect(faults.faults[0]?.detail).toContain('locked until 2033-01-01');
    expect(found).toEqual({ overwritten: ['keys/audit-trail.local.vkey'], deleteMarkers: 3 });
  });

  it('says so when the store cannot list versions', async () => {
    const faults = new FaultLog();
    // biome-ignore lint/correctness/useYield: a listing that fails at once
    const failing = async function* (): AsyncIterable<ObjectVersion> {
      throw new Error('NotImplemented');
    };
    const found = await tryCheckVersions(failing, NOW, faults);
    expect(found.unavailable).toContain('NotImplemented');
    expect(faults.faults).toEqual([]);
  });
});
