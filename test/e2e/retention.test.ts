/**
 * The scenario on the embedded default: ingest, hold some, erase a user, advance the
 * clock past retention, purge, verify clean, held bodies intact, receipts present, a rerun
 * purges nothing more, and no erased value is left in any file under the data directory.
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { DEFAULT_RETENTION_DAYS } from '#core/retention/rules.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import { devPaths } from '#handlers/wiring/dev-runtime.ts';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { until } from '#test/helpers/until.ts';
import { verifyLocation } from '../../bin/commands/verify.ts';
import { readLedger, startTestRuntime, waitForRecord } from './support/dev-harness.ts';
import { bearer, call } from './support/http-client.ts';

const repo = join(import.meta.dirname, '..', '..');
const DAY = 86_400_000;
let dir: string;
const start = new Date('2026-01-10T12:00:00Z');
let now = start;
const clock = { now: () => now };

/** Values that must be gone after the erasure (the erased user's) and after retention. */
const ERASED_USER = 'cust-erase-me-4711';
const ERASED_SECRET = 'Kettlebell-Moonrise-Quokka';
const RETAINED_SECRET = 'Lighthouse-Saffron-Otter';
const HELD_SECRET = 'Marmalade-Zeppelin-Heron';

const event = (i: number, user: string, text: string, system = 'support-bot') => ({
  event_id: `evt-${i}`,
  system,
  user: { id: user },
  input: { messages: [{ role: 'user', content: `question ${i}: ${text}` }] },
  output: { content: `answer ${i}` },
  model: { provider: 'openai', name: 'gpt-4o' },
});

/** Every file under `root` whose bytes contain `needle` (what `grep -rl` would print). */
const filesContaining = async (root: string, needle: string): Promise<string[]> => {
  const hits: string[] = [];
  const bytes = Buffer.from(needle, 'utf8');
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(bytes)) hits.push(path);
  }
  return hits;
};

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(repo, 'bin', 'audit-trail.ts'), ...args], {
    cwd: dir,
    encoding: 'utf8',
  });

describe('retention, erasure and legal holds on the embedded default', () => {
  let holdId: string;
  let erasure: Record<string, unknown>;
  let firstPurge: Awaited<ReturnType<Awaited<ReturnType<typeof startTestRuntime>>['purge']>>;
  let rerun: typeof firstPurge;

  beforeAll(async () => {
    dir = await tempDir('retention-e2e-');
    const runtime = await startTestRuntime(dir, {
      clock,
      retention: {
        // The defaults, with the two kinds this test ages out shortened to 30 days.
        retentionDays: { ...DEFAULT_RETENTION_DAYS, inference: 30, rejected: 30 },
      },
    });
    const auth = { ...bearer(runtime.apiKey.key), 'content-type': 'application/json' };
    try {
      const events = [
        event(1, ERASED_USER, ERASED_SECRET),
        event(2, ERASED_USER, ERASED_SECRET),
        event(3, 'cust-keep-1', RETAINED_SECRET),
        event(4, 'cust-keep-2', RETAINED_SECRET),
        event(5, 'cust-held', HELD_SECRET),
        event(6, ERASED_USER, `${ERASED_SECRET} held`, 'held-bot'),
      ];
      for (const e of events) {
        const res = await call(runtime.url, '/v1/audit/events', {
          method: 'POST',
          headers: auth,
          body: JSON.stringify(e),
        });
        expect(res.status).toBe(202);
      }
      for (const e of events) await waitForRecord(runtime.url, runtime.apiKey.key, e.event_id);
      // The erased user reuses an event id for other content: a `rejected` record, its raw
      // bytes (with the user's data) in quarantine.
      const reuse = await call(runtime.url, '/v1/audit/events', {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(event(1, ERASED_USER, `${ERASED_SECRET} again`)),
      });
      expect(reuse.status).toBe(202);
      await until(() => runtime.stats().processed >= 7);
      const quarantined = await filesContaining(join(dir, 'archive', 'quarantine'), '"v":2');
      expect(quarantined).toHaveLength(1);
      // The lookup route opens v2 bodies while their keys exist.
      const open = await waitForRecord(runtime.url, runtime.apiKey.key, 'evt-3');
      expect(JSON.stringify(open.body)).toContain(RETAINED_SECRET);

      const hold = await call(runtime.url, '/v1/legal-holds', {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          scope: { event_ids: ['evt-5', 'evt-6'] },
          case_id: 'case-42',
          reason: 'litigation',
        }),
      });
      expect(hold.status).toBe(201);
      holdId = hold.json.hold_id as string;
      const holds = await call(runtime.url, '/v1/legal-holds', { headers: auth });
      expect((holds.json.holds as unknown[]).length).toBe(1);

      // Erasure: at once, locally; the held event of that user is kept.
      const erase = await call(runtime.url, '/v1/erasure-requests', {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ user_id: ERASED_USER, reason: 'GDPR Art. 17, ticket 99' }),
      });
      expect(erase.status).toBe(202);
      const got = await call(
        runtime.url,
        `/v1/erasure-requests/${encodeURIComponent(erase.json.request_id as string)}`,
        { headers: auth },
      );
      erasure = got.json;
      const gone = await call(runtime.url, '/v1/events/evt-1', { headers: auth });
      expect(gone.json.record.body).toBeUndefined();

      // Past the 30-day retention of inference bodies.
      now = new Date(start.getTime() + 40 * DAY);
      firstPurge = await runtime.purge();
      rerun = await runtime.purge();
    } finally {
      await runtime.stop();
    }
  });

  afterAll(() => removeDir(dir));

  it('completes the erasure request and says what a hold kept', () => {
    expect(erasure).toMatchObject({ status: 'completed', erased: 3, held: 1 });
  });

  it('purges what is past retention, keeps what is held, and records the refusal', () => {
    expect(firstPurge.purged).toBe(2);
    expect(firstPurge.held[holdId]).toBe(2);
    expect(firstPurge.by_rule['kind=inference']).toBe(2);
  });

  it('purges nothing more on a rerun', () => {
    expect(rerun.purged).toBe(0);
    expect(rerun.chains).toEqual([]);
  });

  it('writes one receipt per chain naming ranges and reasons', async () => {
    const ledger = await readLedger(dir);
    const receipts = [...ledger.values()].flat().filter((r) => r.kind === 'purge' && r.ref?.ranges);
    const support = receipts.filter((r) => r.chain === 'support-bot');
    expect(support).toHaveLength(2);
    expect(support[0]?.ref?.reasons?.[0]).toMatch(/^erasure:er_/);
    expect(support[0]?.ref?.ranges).toEqual([
      [0, 1],
      [5, 5],
    ]);
    expect(support[1]?.ref).toMatchObject({ ranges: [[2, 3]], reasons: ['kind=inference'] });
  });

  it('verifies clean with the body keys: purged bodies reported with their receipt and rule', async () => {
    const keys = await openFileBodyKeys(devPaths(dir).bodyKeys);
    const report = await verifyArchive(openFileArchive(devPaths(dir).archive), { bodyKeys: keys });
    expect(report.faults).toEqual([]);
    expect(report.ok).toBe(true);
    const support = report.purged.filter((p) => p.chain === 'support-bot');
    expect(support.map((p) => [p.from, p.to])).toEqual([
      [0, 1],
      [2, 3],
      [5, 5],
    ]);
    expect(support[0]?.reasons?.[0]).toMatch(/^erasure:er_/);
    expect(support[1]?.reasons).toEqual(['kind=inference']);
    expect(support[2]?.by).toBe(support[0]?.by);
  });

  it('verifies on worker threads with the body keys, as on one thread', async () => {
    const keys = await openFileBodyKeys(devPaths(dir).bodyKeys);
    const one = await verifyArchive(openFileArchive(devPaths(dir).archive), { bodyKeys: keys });
    const threads = new Set<number>();
    const parallel = await verifyLocation(devPaths(dir).archive, {
      workers: 2,
      mainThread: false,
      bodyKeys: keys,
      bodyKeysDir: devPaths(dir).bodyKeys,
      onChain: (_, thread) => threads.add(thread),
    });
    expect(parallel).toEqual(one);
    expect(parallel.purged.length).toBeGreaterThan(0);
    expect(threads.has(0)).toBe(false);
  });

  it('verifies clean without keys too, leaving sealed bodies unchecked', async () => {
    const report = await verifyArchive(openFileArchive(devPaths(dir).archive));
    expect(report.ok).toBe(true);
    expect(report.sealed).toBe(7);
  });

  it('keeps held bodies readable', async () => {
    const { openRecord } = await import('#core/retention/open-record.ts');
    const keys = await openFileBodyKeys(devPaths(dir).bodyKeys);
    const ledger = await readLedger(dir);
    const all = [...ledger.values()].flat();
    const open = async (id: string) =>
      openRecord(all.find((r) => r.event_id === id) as LedgerRecord, keys);
    expect(JSON.stringify((await open('evt-5')).body)).toContain(HELD_SECRET);
    expect(JSON.stringify((await open('evt-6')).body)).toContain(ERASED_SECRET);
    for (const id of ['evt-1', 'evt-2', 'evt-3', 'evt-4']) {
      expect((await open(id)).body).toBeUndefined();
    }
  });

  it('reports a held body that is gone as held_purged', async () => {
    const keys = await openFileBodyKeys(devPaths(dir).bodyKeys);
    const ledger = await readLedger(dir);
    const held = [...ledger.values()].flat().find((r) => r.event_id === 'evt-5') as LedgerRecord;
    const without = {
      get: async (ids: readonly string[]) => {
        const found = await keys.get(ids);
        found.delete(`r/${held.chain}#${held.seq}`);
        return found;
      },
    };
    const report = await verifyArchive(openFileArchive(devPaths(dir).archive), {
      bodyKeys: without,
    });
    expect(report.faults.map((f) => [f.chain, f.seq, f.kind])).toContainEqual([
      held.chain,
      held.seq,
      'held_purged',
    ]);
  });

  it('leaves no erased or expired value in any file under the data directory', async () => {
    expect(await filesContaining(dir, RETAINED_SECRET)).toEqual([]);
    expect(await filesContaining(dir, ERASED_USER)).toEqual([]);
    // The erased user's held event is the one place its text may remain: encrypted.
    expect(await filesContaining(dir, ERASED_SECRET)).toEqual([]);
    expect(await filesContaining(dir, HELD_SECRET)).toEqual([]);
  });

  it('runs the same steps from the CLI: purge --dry-run finds nothing more', () => {
    const run = cli(
      'purge',
      '--data',
      dir,
      '--dry-run',
      '--now',
      new Date(now.getTime() + DAY).toISOString(),
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('dry run: would purge 0 bodies');
    expect(run.status).toBe(0);
  });
});
