/**
 * Sets of seqs as sorted, disjoint, inclusive ranges: the verifier keeps purged and
 * body-less seqs this way, so memory grows with the number of runs, not of records.
 */

export type Range = readonly [from: number, to: number];

/** Seqs added in ascending order, kept as merged runs. */
export class RangeList {
  readonly runs: [number, number][] = [];

  /** Adds one seq; seqs must come in ascending order. */
  add(seq: number): void {
    const last = this.runs[this.runs.length - 1];
    if (last && last[1] + 1 === seq) last[1] = seq;
    else if (!last || last[1] < seq) this.runs.push([seq, seq]);
  }
}

/** The parts of `range` covered by `covers` (each tagged with its cover's `by`) and the parts
 * covered by none. `covers` may overlap and come in any order. */
export const splitByCover = <T>(
  range: Range,
  covers: readonly { readonly from: number; readonly to: number; readonly by: T }[],
): { covered: { from: number; to: number; by: T }[]; uncovered: Range[] } => {
  const covered: { from: number; to: number; by: T }[] = [];
  const uncovered: Range[] = [];
  const sorted = covers
    .filter((c) => c.to >= range[0] && c.from <= range[1])
    .sort((a, b) => a.from - b.from);
  let at = range[0];
  for (const c of sorted) {
    if (c.to < at) continue;
    if (c.from > at) uncovered.push([at, Math.min(c.from - 1, range[1])]);
    const from = Math.max(at, c.from);
    const to = Math.min(c.to, range[1]);
    covered.push({ from, to, by: c.by });
    at = to + 1;
    if (at > range[1]) break;
  }
  if (at <= range[1]) uncovered.push([at, range[1]]);
  return { covered, uncovered };
};
