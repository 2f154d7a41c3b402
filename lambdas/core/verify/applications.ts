import { applicationOf } from '#core/events/lanes.ts';
import type { Fault } from './report.ts';

/** An application spread over lanes (`app~0`, `app~1`, …), as the report shows it. */
export interface LanedApplication {
  readonly application: string;
  /** Its lane chains in the archive or the signed index, in lane order. */
  readonly lanes: readonly string[];
  /** Faults found in any of its lanes (each fault still names its lane chain). */
  readonly faults: number;
}

const laneNumber = (chain: string): number => Number(chain.slice(chain.lastIndexOf('~') + 1));

/**
 * The applications among `chains` that are spread over lanes, with their lanes and fault
 * counts: the report reads them as one application. A lane no event has hashed to yet does
 * not exist, so a gap in lane numbers is no fault; a lane the signed index lists and the
 * archive lacks is a `deleted_chain` fault like any chain.
 */
export const lanedApplications = (
  chains: Iterable<string>,
  faults: readonly Fault[],
): LanedApplication[] => {
  const lanes = new Map<string, Set<string>>();
  for (const chain of chains) {
    const app = applicationOf(chain);
    if (app === chain) continue;
    const set = lanes.get(app) ?? new Set<string>();
    set.add(chain);
    lanes.set(app, set);
  }
  return [...lanes]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([application, set]) => ({
      application,
      lanes: [...set].sort((a, b) => laneNumber(a) - laneNumber(b)),
      faults: faults.filter((f) => set.has(f.chain)).length,
    }));
};

/** True when the chain filter `wanted` asks for `chain`, directly or by its application. */
export const wantsChain = (wanted: ReadonlySet<string>, chain: string): boolean =>
  wanted.has(chain) || wanted.has(applicationOf(chain));
