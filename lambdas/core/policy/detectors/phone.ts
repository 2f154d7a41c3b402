import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `phone` detector. */
export const phoneParams = z.strictObject({
  /** Regions whose national formats (without `+`) are recognised, ISO 3166 alpha-2. */
  regions: z.array(z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code')).default(['US']),
});
export type PhoneParams = z.infer<typeof phoneParams>;

// Cheap candidates first: a digit run with phone punctuation. libphonenumber's own
// findNumbers is exact but scans at well under 1 MB/s; it validates candidates instead.
// Not before `:digit`, so `2024-01-15 10:30` is not read as `2024-01-15 10`.
const CANDIDATE = /(?<![\w+\-./(])(?:\+|\()?\d[\d \-.()]{5,20}\d(?!\w|[-./:]\d)/g;
const NANP = new Set(['US', 'CA', 'PR', 'GU', 'VI', 'AS', 'MP']);
const NANP_SHAPE = /^1?[2-9]\d{2}[2-9]\d{6}$/;
const DATE_LIKE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;
const PHONE_PUNCTUATION = /[+()\-.]/;
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;
// Identifiers introduced by these words are order numbers and the like, not phones.
const ID_CONTEXT =
  /\b(?:order|invoice|ref|reference|acct|account|id|isbn|tracking|serial|sku|part|build|version|ticket|case|po|transaction|txn|sn)\b[\s:#.-]*(?:no\.?|num(?:ber)?|#)?[\s:#.-]*$/i;

const validate = (candidate: string, regions: readonly string[]): string | undefined => {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return undefined;
  if (DATE_LIKE.test(candidate) || DOTTED_QUAD.test(candidate)) return undefined;
  if (candidate.startsWith('+')) {
    const n = parsePhoneNumberFromString(candidate);
    return n?.isValid() ? n.number : undefined;
  }
  for (const region of regions) {
    // NANP numbers are [2-9]XX [2-9]XX XXXX after an optional 1: checked before the far
    // costlier parse, since most digit runs in text are not phone numbers.
    if (NANP.has(region) && !NANP_SHAPE.test(digits)) continue;
    // Outside the North American plan national numbers are written with their trunk
    // prefix 0; without it ten bare digits are far more often an id or a unix time.
    if (!NANP.has(region) && !/^\(?0/.test(candidate)) continue;
    const n = parsePhoneNumberFromString(candidate, region as CountryCode);
    if (n?.isValid()) return n.number;
  }
  return undefined;
};

/**
 * Finds phone numbers: international (`+…`) in any region, national formats in the
 * configured regions, validated by libphonenumber-js (number plan and length). A number
 * introduced by an identifier word (order, invoice, ticket …) is not reported, nor a
 * national number outside North America written without its trunk prefix 0.
 */
export const detectPhone = (text: string, params: PhoneParams): Match[] => {
  const matches: Match[] = [];
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    const candidate = m[0].startsWith('(') && !m[0].includes(')') ? m[0].slice(1) : m[0];
    const start = m.index + (m[0].length - candidate.length);
    if (ID_CONTEXT.test(text.slice(Math.max(0, start - 24), start))) continue;
    let length = candidate.length;
    let e164 = validate(candidate, params.regions);
    // A number and what follows it can form one run (`415-555-2671 2 times`, `(415)
    // 555-2671 (415) 555-2672`): drop trailing groups, then scan on after the number.
    // Only a number written as a phone (`+`, brackets, dashes, dots) is cut out of a
    // longer run: digit groups split by spaces alone are more often a card or an account.
    for (let cut = candidate.lastIndexOf(' '); e164 === undefined && cut > 0; ) {
      length = candidate.slice(0, cut).replace(/[^\d)]+$/, '').length;
      const prefix = candidate.slice(0, length);
      if (PHONE_PUNCTUATION.test(prefix)) e164 = validate(prefix, params.regions);
      cut = candidate.lastIndexOf(' ', length - 1);
    }
    if (e164 !== undefined) {
      matches.push({ entity: 'PHONE_NUMBER', start, end: start + length, canonical: e164 });
      CANDIDATE.lastIndex = start + length;
    } else {
      // A number may start inside a rejected run at its `(` or `+` (`Suite 200 (415)
      // 555-2671`, `10.0.0.1 +44 20 7946 0958`): look again from there. Not from any inner
      // digit, which would find phone-shaped tails of IBANs and card numbers.
      const next = m[0].slice(1).search(/[(+]/);
      if (next !== -1) CANDIDATE.lastIndex = m.index + 1 + next;
    }
  }
  return matches;
};

/** Registry entry of the `phone` detector. */
export const phone = textDetector({
  id: 'phone',
  target: 'text',
  params: phoneParams,
  redacts: true,
  detect: detectPhone,
});
