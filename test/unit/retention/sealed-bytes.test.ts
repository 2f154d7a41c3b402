import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeFrame } from '#adapters/local/ledger-frame.ts';
import { formatRecordLine } from '#core/archive/record-line.ts';
import { appendToChain, type PendingRecord } from '#core/pipeline/append-chain.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import type { BodyKeysPort } from '#ports/body-keys.ts';
import type { LedgerPort } from '#ports/ledger.ts';

// Every random byte (salts, IVs) comes from a counter, so a sealed record's stored bytes are
// a function of its input: the same input must give the bytes main wrote before the
// sixth-pass cuts (issue 7), which change how they are made, never what they are.
vi.mock('node:crypto', async (original) => {
  const real = await original<typeof import('node:crypto')>();
  let next = 0;
  const randomBytes = (n: number) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = (next++ * 37 + 11) & 0xff;
    return out;
  };
  return { ...real, default: { ...real, randomBytes }, randomBytes };
});

// Test files share worker processes: the next one gets the real module.
afterAll(() => {
  vi.doUnmock('node:crypto');
  vi.resetModules();
});

/** Keys made from their ids (a key store that never forgets). */
const keyStore = (): BodyKeysPort => {
  const keyOf = (id: string) => createHash('sha256').update(`key ${id}`).digest();
  const pick = async (ids: readonly string[]) => new Map(ids.map((id) => [id, keyOf(id)]));
  return {
    ensure: pick,
    get: pick,
    put: async () => undefined,
    destroy: async () => 0,
    ids: async () => [],
  };
};

/** A ledger that takes whatever is appended after the genesis head. */
const ledger = (stored: unknown[][]): LedgerPort =>
  ({
    head: async (chain: string) => ({ chain, seq: -1, hash: '0'.repeat(64) }),
    append: async (_head: unknown, records: unknown[]) => void stored.push(records),
  }) as unknown as LedgerPort;

const pending = (i: number, user: string | undefined): PendingRecord => ({
  kind: i === 2 ? 'rejected' : 'decision',
  event_id: `e-${i}`,
  policy: { version: 'v1', decision: 'pass', findings: [] },
  ...(user === undefined ? {} : { user_id: user }),
  body: {
    decision_id: `dec-${i}`,
    input: { query: `Quoted "text" \\ ü\u2028 ${'x'.repeat(100 + i * 97)}` },
    metadata: i === 1 ? {} : { user_id: `user-${i % 2}` },
  },
});

describe('layout v2 stored bytes', () => {
  it('are those main wrote for the same input: archive lines and ledger frame', async () => {
    // Prepare
    const sealer = await createBodySealer(DEFAULT_RETENTION_RULES, keyStore());
    const batches: unknown[][] = [];
    const inputs = [0, 1, 2, 3, 4].map((i) => pending(i, i === 2 ? 'raw-user' : undefined));

    // Act: two batches (the IV pool and the per-batch key ids carry over)
    const at = '2026-03-04T05:06:07.089Z';
    await appendToChain('tenant/app', inputs.slice(0, 3), ledger(batches), at, sealer);
    await appendToChain('other', inputs.slice(3), ledger(batches), at, sealer);

    // Assess
    const records = batches.flat() as Parameters<typeof formatRecordLine>[0][];
    const lines = records.map(formatRecordLine).join('\n');
    const frame = encodeFrame(records, 0);
    const digest = createHash('sha256')
      .update(lines)
      .update(frame.frame)
      .update(frame.bodies)
      .digest('hex');
    expect(records.map((r) => r.body_enc?.iv)).toEqual(FIRST_IVS);
    expect(digest).toBe(MAIN_DIGEST);
  });
});

/** What main (`dd60650`, before the sixth pass) gives for the test above, with the same mock. */
const FIRST_IVS: string[] = [
  'CzBVep/E6Q4zWH2i',
  'x+wRNluApcrvFDle',
  'g6jN8hc8YYar0PUa',
  'P2SJrtP4HUJnjLHW',
  '+yBFao+02f4jSG2S',
];
const MAIN_DIGEST = '570988c8744d2bdf4cdc76f891cbba9ac75a3d852641860ff1f9904d80276146';
