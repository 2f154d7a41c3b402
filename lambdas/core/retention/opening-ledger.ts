import type { LedgerRecord } from '#core/chain/record.ts';
import type { BodyKeysPort } from '#ports/body-keys.ts';
import type { LedgerPort } from '#ports/ledger.ts';
import { openRecord } from './open-record.ts';

/**
 * A ledger whose reads (`get`, `range`) answer records opened as readers see them (layout v2
 * bodies decrypted while their keys exist, see open-record.ts); everything else, writes
 * included, goes to the ledger itself. The read, search and review routes use it, so they
 * never see a sealed body nor need to know the layout.
 */
const UNOPENED = Symbol('unopened ledger');

/** The ledger as stored under an opening ledger (or `ledger` itself): what writers archive
 * from, so an opened body never reaches a segment. */
export const unopened = <L extends object>(ledger: L): L =>
  ((ledger as { [UNOPENED]?: L })[UNOPENED] ?? ledger) as L;

export const openingLedger = <L extends Pick<LedgerPort, 'get' | 'range'>>(
  ledger: L,
  keys: Pick<BodyKeysPort, 'get'>,
): L => {
  const get = async (chain: string, seq: number): Promise<LedgerRecord | undefined> => {
    const record = await ledger.get(chain, seq);
    return record === undefined ? undefined : openRecord(record, keys);
  };
  async function* range(chain: string, from: number, to: number): AsyncIterable<LedgerRecord> {
    for await (const record of ledger.range(chain, from, to)) yield await openRecord(record, keys);
  }
  return new Proxy(ledger, {
    get(target, property) {
      if (property === 'get') return get;
      if (property === 'range') return range;
      if (property === UNOPENED) return target;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};
