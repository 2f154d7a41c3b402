/** Most distinct reasons kept; later new reasons are counted under OTHER_REASONS. */
export const MAX_DISTINCT_REASONS = 10_000;
export const OTHER_REASONS = '(other reasons)';
export const NO_REASON = '(no reason given)';

/** A reason and how many adverse decisions gave it. */
export interface ReasonCount {
  readonly reason: string;
  readonly count: number;
}

/**
 * Counts the reasons given for adverse decisions (`output.reason`), top-k by count (ties by
 * text). Memory is bounded: after MAX_DISTINCT_REASONS distinct texts (free text from a model
 * can be unique per decision) new ones are counted together as OTHER_REASONS.
 */
export class ReasonTally {
  readonly #counts = new Map<string, number>();

  add(reason: string | undefined): void {
    const text = reason === undefined || reason.trim() === '' ? NO_REASON : reason.trim();
    const key =
      this.#counts.has(text) || this.#counts.size < MAX_DISTINCT_REASONS ? text : OTHER_REASONS;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  top(k: number): ReasonCount[] {
    return [...this.#counts]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
      .slice(0, k);
  }
}
