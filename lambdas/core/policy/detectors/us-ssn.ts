import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `us-ssn` detector. */
export const usSsnParams = z.strictObject({
  /** Also report nine bare digits, but only after an SSN keyword (`ssn`, `social security`). */
  bare_digits_with_context: z.boolean().default(true),
});
export type UsSsnParams = z.infer<typeof usSsnParams>;

const SEPARATED = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w]|-\d)/g;
const BARE = /(?<![\w-])(\d{3})(\d{2})(\d{4})(?![\w]|-\d)/g;
const KEYWORD = /\b(?:ssn|ss#|social security(?: number| no\.?)?|taxpayer id|tin)\b[^\n\d]{0,16}$/i;
// Numbers published in advertising or as examples; never issued to a person.
const PUBLISHED = new Set(['078051120', '219099999', '123456789']);

/** Whether area, group and serial are in issued ranges (SSA rules since 2011). */
export const isValidSsn = (area: string, group: string, serial: string): boolean =>
  area !== '000' &&
  area !== '666' &&
  area[0] !== '9' &&
  group !== '00' &&
  serial !== '0000' &&
  !PUBLISHED.has(area + group + serial);

/**
 * Finds US social security numbers in `AAA-GG-SSSS` or `AAA GG SSSS` form, rejecting
 * area 000, 666 and 9xx, group 00, serial 0000 and published sample numbers. Nine bare
 * digits are reported only right after an SSN keyword, since order ids look the same.
 */
export const detectUsSsn = (text: string, params: UsSsnParams): Match[] => {
  const matches: Match[] = [];
  for (const m of text.matchAll(SEPARATED)) {
    const [, area = '', , group = '', serial = ''] = m;
    if (isValidSsn(area, group, serial)) {
      const end = m.index + m[0].length;
      matches.push({ entity: 'US_SSN', start: m.index, end, canonical: area + group + serial });
    }
  }
  if (params.bare_digits_with_context) {
    for (const m of text.matchAll(BARE)) {
      const [, area = '', group = '', serial = ''] = m;
      const before = text.slice(Math.max(0, m.index - 40), m.index);
      if (isValidSsn(area, group, serial) && KEYWORD.test(before)) {
        const end = m.index + m[0].length;
        matches.push({ entity: 'US_SSN', start: m.index, end, canonical: area + group + serial });
      }
    }
  }
  return matches;
};

/** Registry entry of the `us-ssn` detector. */
export const usSsn = textDetector({
  id: 'us-ssn',
  target: 'text',
  params: usSsnParams,
  redacts: true,
  detect: detectUsSsn,
});
