import { startLocalApi } from '#adapters/local/http/server.ts';
import { GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import {
  ChainConflictError,
  type ChainMeta,
  DuplicateEventError,
  type EventLocation,
  type LedgerPort,
  type RecordReader,
} from '#ports/ledger.ts';
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

/** A whole ledger in memory, seeded with `records` (as stored): reads like fakeLedger, and
 * appends conditionally on the head as the real ledgers do, for routes that write. */
export const memoryLedger = (records: readonly LedgerRecord[]): LedgerPort => {
  const chains = new Map<string, LedgerRecord[]>();
  for (const r of records) chains.set(r.chain, [...(chains.get(r.chain) ?? []), r]);
  const metas = new Map<string, ChainMeta>();
  const all = () => [...chains.values()].flat();
  return {
    async head(chain) {
      const last = chains.get(chain)?.at(-1);
      return last === undefined
        ? { chain, seq: -1, hash: GENESIS_PREV }
        : { chain, seq: last.seq, hash: last.hash };
    },
    async append(expected, appended) {
      const list = chains.get(expected.chain) ?? [];
      if ((list.at(-1)?.seq ?? -1) !== expected.seq) {
        throw new ChainConflictError(expected.chain, expected.seq);
      }
      const known = new Set(all().map((r) => r.event_id));
      const dup = appended.filter((r) => known.has(r.event_id)).map((r) => r.event_id);
      if (dup.length > 0) throw new DuplicateEventError(dup);
      chains.set(expected.chain, [...list, ...appended]);
    },
    locate: (eventIds) => fakeLedger(all()).locate(eventIds),
    get: (chain, seq) => fakeLedger(all()).get(chain, seq),
    async *range(chain, from, to) {
      yield* (chains.get(chain) ?? []).filter((r) => r.seq >= from && r.seq <= to);
    },
    async *chains() {
      yield* chains.keys();
    },
    async meta(chain) {
      return (
        metas.get(chain) ?? { archived_through: -1, checkpoint_size: 0, checkpoint_frontier: [] }
      );
    },
    async setMeta(chain, meta) {
      metas.set(chain, { ...(await this.meta(chain)), ...meta });
    },
  };
};
