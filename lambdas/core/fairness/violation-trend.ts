import type { PolicyDecision } from '#core/chain/record.ts';

/** One week of a use case's decisions. */
export interface WeekTally {
  /** Monday 00:00 UTC of the week (ISO date). */
  readonly week: string;
  decisions: number;
  adverse: number;
  high_severity: number;
  flagged: number;
  blocked: number;
}

/** Monday 00:00 UTC of the ISO week holding `at`, as yyyy-mm-dd. */
export const weekOf = (at: Date): string => {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const offset = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() - offset);
  return day.toISOString().slice(0, 10);
};

/**
 * Policy violation trend: per ISO week, decisions whose policy result was `flag` or `block`
 * (and adverse and high-severity decisions, for the week-over-week check), counted while the
 * review streams. One small row per week: memory does not grow with decisions.
 */
export class WeeklyTrend {
  readonly #weeks = new Map<string, WeekTally>();

  add(at: Date, policy: PolicyDecision, adverse: boolean, highSeverity: boolean): void {
    const week = weekOf(at);
    let row = this.#weeks.get(week);
    if (row === undefined) {
      row = { week, decisions: 0, adverse: 0, high_severity: 0, flagged: 0, blocked: 0 };
      this.#weeks.set(week, row);
    }
    row.decisions += 1;
    if (adverse) row.adverse += 1;
    if (highSeverity) row.high_severity += 1;
    if (policy === 'flag') row.flagged += 1;
    if (policy === 'block') row.blocked += 1;
  }

  /** Every week from `from` through `to` (empty weeks as zero rows), oldest first. */
  rows(from: Date, to: Date): WeekTally[] {
    const rows: WeekTally[] = [];
    const cursor = new Date(`${weekOf(from)}T00:00:00Z`);
    const last = weekOf(new Date(to.getTime() - 1));
    for (let week = weekOf(cursor); week <= last; ) {
      rows.push(
        this.#weeks.get(week) ?? {
          week,
          decisions: 0,
          adverse: 0,
          high_severity: 0,
          flagged: 0,
          blocked: 0,
        },
      );
      cursor.setUTCDate(cursor.getUTCDate() + 7);
      week = weekOf(cursor);
    }
    return rows;
  }
}
