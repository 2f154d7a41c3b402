import { startLocalApi } from '#adapters/local/http/server.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { EventLocation, RecordReader } from '#ports/ledger.ts';
import { memoryLog } from '#test/helpers/memory-log.ts';

/** A stream that keeps what it is given; `hold()` makes the next publishes wait. */
export const fakeStream = () => {
  const published: IntakeEnvelope[] = [];
  let gate: Promise<void> | undefined;
  let failure: Error | undefined;
  return {
    published,
    async publish(envelopes: readonly IntakeEnvelope[]): Promise<void> {
      if (failure) throw failure;
      await gate;
      published.push(...envelopes);
    },
    /** Holds publishes until the returned release function is called. */
    hold(): () => void {
      let release = () => {};
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return release;
    },
    failWith(error: Error): void {
      failure = error;
    },
  };
};

/** A ledger reader over a fixed set of records. */
export const fakeLedger = (records: readonly LedgerRecord[]): RecordReader => ({
  async locate(eventIds) {
    const found = new Map<string, EventLocation>();
    for (const r of records) {
      if (eventIds.includes(r.event_id)) found.set(r.event_id, { chain: r.chain, seq: r.seq });
    }
    return found;
  },
  async get(chain, seq) {
    return records.find((r) => r.chain === chain && r.seq === seq);
  },
});

/** Starts the local API on an ephemeral port with fakes; stop it with `api.close()`. */
export const startTestApi = async (
  options: { records?: readonly LedgerRecord[]; health?: () => Record<string, unknown> } = {},
) => {
  const stream = fakeStream();
  const log = memoryLog();
  const apiKey = 'test-key-0123456789';
  const api = await startLocalApi({
    host: '127.0.0.1',
    port: 0,
    apiKey,
    stream,
    ledger: fakeLedger(options.records ?? []),
    log,
    ...(options.health === undefined ? {} : { health: options.health }),
  });
  return { api, url: api.url, stream, lines: log.lines, apiKey };
};
