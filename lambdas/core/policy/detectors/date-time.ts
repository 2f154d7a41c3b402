import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `date-time` detector. */
export const dateTimeParams = z.strictObject({});
export type DateTimeParams = z.infer<typeof dateTimeParams>;

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const TIME = '(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?(?:\\s?[ap]\\.?m\\.?)?';
const ZONE = '(?:Z|[+-][01]\\d:?[0-5]\\d|\\s?(?:UTC|GMT))?';
const PATTERNS: readonly RegExp[] = [
  // ISO 8601 date, optionally with time and zone: 2024-01-15, 2024-01-15T10:30:00Z
  new RegExp(`(?<![\\w.-])(\\d{4})-(\\d{2})-(\\d{2})(?:[T ]${TIME}${ZONE})?(?![\\w-])`, 'gi'),
  // Numeric day/month/year: 15/01/2024, 01-15-2024, 15.01.2024
  /(?<![\w./-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w]|[/.-]\d)/g,
  // Month names: January 15, 2024 / 15 Jan 2024 / Jan 2024
  new RegExp(
    `\\b(?:\\d{1,2}(?:st|nd|rd|th)?\\s+(?:${MONTHS})\\.?,?\\s+\\d{4}|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|(?:${MONTHS})\\.?\\s+\\d{4})\\b`,
    'gi',
  ),
  // Clock times on their own: 10:30, 9:15 pm, 23:59:59
  new RegExp(`(?<![\\w:.-])${TIME}(?![\\w:]|\\.\\d)`, 'gi'),
];

const validNumericDate = (m: RegExpMatchArray, iso: boolean): boolean => {
  if (iso) {
    const month = Number(m[2]);
    const day = Number(m[3]);
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
  }
  // `1.2.10` is a version far more often than a date: dotted dates need a 4-digit year.
  const year = m[4] ?? '';
  if (m[2] === '.' && year.length !== 4) return false;
  if (year.length === 4 && (Number(year) < 1900 || Number(year) > 2099)) return false;
  const a = Number(m[1]);
  const b = Number(m[3]);
  // Day-first or month-first: one of the two orders must make a calendar date.
  return a >= 1 && b >= 1 && ((a <= 31 && b <= 12) || (a <= 12 && b <= 31));
};

/**
 * Finds dates and times: ISO 8601 (with time and zone), numeric day/month/year in either
 * order, dates with month names, and clock times. Calendar ranges are checked; spans that
 * overlap an earlier, longer pattern's span are dropped.
 */
export const detectDateTime = (text: string, _params: DateTimeParams): Match[] => {
  // Kept sorted and disjoint, so one binary search tells whether a span overlaps any: a
  // text of thousands of times must not compare every match with every other.
  const matches: Match[] = [];
  PATTERNS.forEach((re, p) => {
    for (const m of text.matchAll(re)) {
      if (p < 2 && !validNumericDate(m, p === 0)) continue;
      const start = m.index;
      const end = start + m[0].length;
      let lo = 0;
      let hi = matches.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((matches[mid]?.start ?? 0) < end) lo = mid + 1;
        else hi = mid;
      }
      // The last span starting before `end` has the greatest end of those that do.
      if ((matches[lo - 1]?.end ?? 0) <= start)
        matches.splice(lo, 0, { entity: 'DATE_TIME', start, end });
    }
  });
  return matches;
};

/** Registry entry of the `date-time` detector. */
export const dateTime = textDetector({
  id: 'date-time',
  target: 'text',
  params: dateTimeParams,
  redacts: false,
  detect: detectDateTime,
});
