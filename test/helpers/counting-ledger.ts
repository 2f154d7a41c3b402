/**
 * A ledger that counts the records read through it (`get` and `range`) and the searches
 * asked of it, so a test asserts how much work a path does, never how long it takes.
 * `searchable: false` hides the ledger's search (if it has one): callers then fall back to
 * reading every record.
 */
export const countingLedger = <L extends object>(ledger: L, options = { searchable: true }) => {
  const seen = { records: 0, searches: 0 };
  const wrapped = new Proxy(ledger, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'get') {
        return async (...args: unknown[]) => {
          seen.records++;
          return value.apply(target, args);
        };
      }
      if (property === 'range') {
        return async function* (...args: unknown[]) {
          for await (const record of value.apply(target, args) as AsyncIterable<unknown>) {
            seen.records++;
            yield record;
          }
        };
      }
      if (property === 'search') {
        if (!options.searchable) return undefined;
        return (...args: unknown[]) => {
          seen.searches++;
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
  return { ledger: wrapped, seen };
};
