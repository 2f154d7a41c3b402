import { readdir, readFile } from 'node:fs/promises';
import { openFileArchive } from '#adapters/local/file-archive.ts';
import { openFileBodyKeys } from '#adapters/local/file-body-keys.ts';
import { openFileLedger } from '#adapters/local/file-ledger.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import { openingLedger } from '#core/retention/opening-ledger.ts';
import type { VerifyReport } from '#core/verify/report.ts';
import { verifyArchive } from '#core/verify/verify-archive.ts';
import { type DevRuntimeOptions, devPaths, startDevRuntime } from '#handlers/wiring/dev-runtime.ts';
import { collect } from '#test/helpers/collect.ts';
import { silentLog } from '#test/helpers/silent-log.ts';
import { bearer, call } from './http-client.ts';

/** Starts the dev runtime in-process on a free port, tuned for tests (fast retries). */
export const startTestRuntime = (dataDir: string, options: Partial<DevRuntimeOptions> = {}) =>
  startDevRuntime({
    dataDir,
    port: 0,
    log: silentLog,
    checkpointIntervalMs: 60_000,
    stream: { retry: { baseMs: 10, maxMs: 50 } },
    ...options,
  });

/** One seed fixture: file name, parsed payload and its verbatim text. */
export interface Seed {
  readonly file: string;
  readonly text: string;
  readonly payload: Record<string, unknown>;
}

const SEEDS_DIR = new URL('../../fixtures/seeds/', import.meta.url);

/** Every seed payload in test/fixtures/seeds, in name order. */
export const readSeeds = async (): Promise<Seed[]> => {
  const files = (await readdir(SEEDS_DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(new URL(file, SEEDS_DIR), 'utf8');
      return { file, text, payload: JSON.parse(text) as Record<string, unknown> };
    }),
  );
};

/** Polls `GET /v1/events/{id}` until the record is there (processing is asynchronous). */
export const waitForRecord = async (
  url: string,
  apiKey: string,
  eventId: string,
  timeoutMs = 240_000,
): Promise<LedgerRecord> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(url, `/v1/events/${encodeURIComponent(eventId)}`, {
      headers: bearer(apiKey),
    });
    if (res.status === 200) return res.json.record as LedgerRecord;
    if (res.status !== 404) throw new Error(`lookup of ${eventId} answered ${res.status}`);
    if (Date.now() > deadline) throw new Error(`no record for ${eventId} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Every record of every chain, read from a stopped runtime's ledger. */
export const readLedger = async (dataDir: string): Promise<Map<string, LedgerRecord[]>> => {
  const paths = devPaths(dataDir);
  // Records as readers see them: layout v2 bodies opened while their keys exist.
  const ledger = openingLedger(
    await openFileLedger(paths.ledger),
    await openFileBodyKeys(paths.bodyKeys),
  );
  try {
    const chains = new Map<string, LedgerRecord[]>();
    for await (const chain of ledger.chains()) {
      const head = await ledger.head(chain);
      chains.set(chain, await collect(ledger.range(chain, 0, head.seq)));
    }
    return chains;
  } finally {
    await ledger.close();
  }
};

/** Verifies a data directory's archive as an auditor would. */
export const verifyDataDir = (dataDir: string): Promise<VerifyReport> =>
  verifyArchive(openFileArchive(devPaths(dataDir).archive));
