/**
 * Lanes: a hot application spread over several chains, `<key>~<lane>`, so its writes are
 * not bound by one DynamoDB partition (one chain head) or one Kinesis shard. The lane is a
 * stable hash of the event id, so a retried event lands on the lane that holds it; the
 * API Gateway mapping template computes the same hash (lib/constructs/ingest-mapping.ts).
 * With one lane (the default) a chain keeps its plain name.
 */

/** Between a chain key and its lane number. URL-safe, and not `#` (used in body-key ids). */
export const LANE_SEPARATOR = '~';

/** Most lanes one key may have (Kinesis shards and chains are not free). */
export const MAX_LANES = 64;

/** The environment variable that carries `lanesPerChain` (JSON) to a Lambda that puts
 * envelopes on the stream itself. */
export const LANES_ENV = 'LANES_PER_CHAIN';

/** Lanes for keys starting with `prefix`; the longest matching prefix wins. */
export interface LaneRule {
  readonly prefix: string;
  readonly lanes: number;
}

/** Lane rules, longest prefix first; empty means one lane for every key. */
export type LanePlan = readonly LaneRule[];

/** The typed config's `lanesPerChain`: one count for every key, or counts per key prefix. */
export type LanesPerChain = number | Readonly<Record<string, number>>;

/** Characters a lane prefix may hold: enough for application ids and tenant prefixes
 * (`acme::`), and nothing the mapping template's string literals would interpret. */
export const LANE_PREFIX_PATTERN = /^[A-Za-z0-9._:/@-]*$/;

/** The plan of a `lanesPerChain` setting; one lane everywhere is the empty plan (rules of
 * 1 lane are kept otherwise: they shadow shorter prefixes). */
export const lanePlan = (setting: LanesPerChain | undefined): LanePlan => {
  if (setting === undefined) return [];
  const numeric = typeof setting === 'number';
  const entries = numeric ? [['', setting] as const] : Object.entries(setting);
  for (const [prefix, lanes] of entries) {
    const name = numeric ? 'lanesPerChain' : `lanesPerChain[${JSON.stringify(prefix)}]`;
    if (!Number.isInteger(lanes) || lanes < 1 || lanes > MAX_LANES) {
      throw new RangeError(`${name} must be an integer 1..${MAX_LANES}, got ${lanes}`);
    }
    if (!LANE_PREFIX_PATTERN.test(prefix)) {
      throw new RangeError(`${name}: a prefix may hold only letters, digits and . _ : / @ -`);
    }
  }
  if (entries.every(([, lanes]) => lanes === 1)) return [];
  return entries
    .map(([prefix, lanes]) => ({ prefix, lanes }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
};

/** How many lanes `key` (an unqualified chain key) is spread over. */
export const lanesFor = (key: string, plan: LanePlan): number =>
  plan.find((rule) => key.startsWith(rule.prefix))?.lanes ?? 1;

/** Java's `String.hashCode` (UTF-16 units, 32-bit wrap): what API Gateway's VTL can compute. */
export const laneHash = (id: string): number => {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return h;
};

/** The lane of an event among `lanes`: the hash's floor modulo, 0..lanes-1. */
export const laneOf = (eventId: string, lanes: number): number => {
  const r = laneHash(eventId) % lanes;
  return r < 0 ? r + lanes : r;
};

/** The chain of lane `lane` of `chain`. */
export const laneChain = (chain: string, lane: string | number): string =>
  `${chain}${LANE_SEPARATOR}${lane}`;

const LANE_SUFFIX = /~(0|[1-9]\d?)$/;

/** The application chain a chain belongs to: `app` for `app~3`, else the chain itself. */
export const applicationOf = (chain: string): string => chain.replace(LANE_SUFFIX, '');
