import { Metadata } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.min.json';
import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/min';
import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';
import { readsAsCard } from './credit-card.ts';

/**
 * The regions whose national formats are recognised by default: the most populous and the
 * largest economies of every continent (international `+`/`00` numbers of every region are
 * recognised whatever this list says).
 */
export const DEFAULT_PHONE_REGIONS = [
  'US',
  'CA',
  'GB',
  'IE',
  'DE',
  'FR',
  'IT',
  'ES',
  'PT',
  'NL',
  'BE',
  'CH',
  'AT',
  'SE',
  'NO',
  'DK',
  'FI',
  'PL',
  'CZ',
  'GR',
  'TR',
  'RU',
  'UA',
  'IL',
  'AE',
  'SA',
  'EG',
  'ZA',
  'NG',
  'KE',
  'IN',
  'PK',
  'BD',
  'CN',
  'JP',
  'KR',
  'SG',
  'MY',
  'ID',
  'PH',
  'VN',
  'TH',
  'AU',
  'NZ',
  'BR',
  'MX',
  'AR',
  'CO',
  'CL',
  'PE',
] as const;

/** Parameters of the `phone` detector. */
export const phoneParams = z.strictObject({
  /** Regions whose national formats (without `+`) are recognised, ISO 3166 alpha-2. */
  regions: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code'))
    .default([...DEFAULT_PHONE_REGIONS]),
});
export type PhoneParams = z.infer<typeof phoneParams>;

// Cheap candidates first: a digit run with phone punctuation and an optional extension
// (`x123`, `ext. 12`, `#4`). libphonenumber's own findNumbers is exact but scans at well
// under 1 MB/s; it validates candidates instead. Not before `:digit`, so `2024-01-15 10:30`
// is not read as `2024-01-15 10`. What may not precede a candidate (a word character, `+`,
// `-`, `.`, `/`, `(`) is checked by hand: a leading look-behind makes the regex engine test
// it at every character of the text, which halves the scan's speed on prose.
const NOT_BEFORE = /[\w+\-./(]/;
const CANDIDATE =
  /(?:\+|\()?\d[\d \u00a0\-.()/]{5,22}\d(?:\s{0,2}(?:x|ext\.?|extn\.?|extension|#)\s{0,2}\d{1,6})?(?![\w]|[-./:]\d)/gi;
const EXTENSION = /\s{0,2}(?:x|ext\.?|extn\.?|extension|#)\s{0,2}\d{1,6}$/i;
const NANP = new Set(['US', 'CA', 'PR', 'GU', 'VI', 'AS', 'MP']);
const NANP_SHAPE = /^1?[2-9]\d{2}[2-9]\d{6}$/;
const DATE_LIKE =
  /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(?:\s+\d{1,2})?$/;
const PHONE_PUNCTUATION = /[+()\-.]/;
const GROUPED = /^\(?\+?\d{1,5}\)?(?:[ \u00a0\-.]\(?\d{1,8}\)?){1,5}$/;
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const SSN_SHAPE = /^\d{3}([- ])\d{2}\1\d{4}$/;
// Two slashes make a document number or a date (`FV 0932/01/2026`, `2024/0012/01`): a phone
// is written with one at most (`030/1234567`, the German area code's).
const TWO_SLASHES = /\/[^/]*\//;
const BARE = /^\d+$/;
// The North American layout, `555-123-4567`, `(555)123-4567`, `555.123.4567`, `1-555-…`: how
// US and Canadian numbers are written, whatever the digits (a number with an unassigned area
// or exchange code, as fake-data generators and typos make, is still written as a phone).
// Neither dates, SSNs (3-2-4), ISBNs nor amounts take this shape.
const NANP_LAYOUT = /^(?:1[-. ])?(?:\(\d{3}\) ?|\d{3}[-.])\d{3}[-.]\d{4}$/;
// Identifiers introduced by these words are order numbers and the like, not phones: the
// invoice word and the tax and company registry numbers of the default regions' languages
// too (`Rechnung`, `factura`, Polish `FV`/`faktura`, `NIP`, `PESEL`, `REGON`, `SIRET` …).
const ID_CONTEXT =
  /\b(?:order|invoice|ref|reference|acct|account|id|isbn|tracking|serial|sku|part|build|version|ticket|case|po|transaction|txn|sn|iban|card|routing|sort code|swift|passport|licen[cs]e|ssn|policy|rechnung|rechnungsnummer|factura|facture|fattura|faktura|faktury|fv|vat|tax|tin|nip|pesel|regon|krs|nif|siren|siret|cpf|cnpj|bsn|steuernummer)\b[\s:#.-]*(?:no\.?|num(?:ber)?|#)?[\s:#.-]*$/i;
// Words that announce a phone number, in the languages of the default regions.
const PHONE_CONTEXT =
  /(?:phone|tel|telephone|mobile|mob|cell|fax|call|dial|text|sms|whatsapp|contact|reach|hotline|helpline|landline|téléphone|tél|portable|telefon|handy|mobil|rufnummer|teléfono|telefono|móvil|celular|cellulare|telefone|telemóvel|telefoon|gsm|puhelin|telefonnummer|numéro|número|numero|nummer|電話|电话|手机|전화|연락처|फ़ोन|фон|телефон)\W{0,3}(?:\w+\W{1,3}){0,3}$/iu;
const CONTEXT_BEFORE = 40;

// `+44 (0)20 …`: the trunk 0 in brackets after the country code, dropped when dialling from
// abroad (British, German, Dutch, Swiss, French business cards).
const TRUNK_NOTE = /^(\+\d{1,3}) ?\(0\) ?/;
// A country code set apart from the rest (`+34 156234300`, `+1-055-…`).
const CODE_APART = /^\+(\d{1,3})[ \u00a0\-.]/;

/**
 * The E.164 form of a number written with `+` (or `00`) in any region: valid, or of a
 * possible length for its country and written as a phone: in groups, with its country code
 * set apart, or with `(0)` (`+1-055-123-4567`, `+34 156234300`: unassigned ranges, but
 * nothing other than a phone number is written that way).
 */
const international = (candidate: string): string | undefined => {
  let written = candidate.startsWith('00') ? `+${candidate.slice(2)}` : candidate;
  const note = TRUNK_NOTE.exec(written);
  if (note !== null) written = `${note[1]} ${written.slice(note[0].length)}`;
  const n = parsePhoneNumberFromString(written);
  if (n === undefined) return undefined;
  if (n.isValid()) return n.number;
  const apart = CODE_APART.exec(written)?.[1] === n.countryCallingCode;
  return (note !== null || apart || GROUPED.test(candidate)) && n.isPossible()
    ? n.number
    : undefined;
};

// The lengths a national number may have in each region (the metadata the parser uses):
// parsing compiles the region's patterns anew on every call, so regions where the digits
// cannot fit, even with a trunk prefix of one or two digits, are skipped first.
const PLAN = new Metadata(metadata);
const LENGTHS = new Map<string, ReadonlySet<number>>();
const mayFit = (region: string, digits: number): boolean => {
  let lengths = LENGTHS.get(region);
  if (lengths === undefined) {
    if (!isSupportedCountry(region)) return true;
    PLAN.selectNumberingPlan(region as CountryCode);
    lengths = new Set(PLAN.numberingPlan?.possibleLengths() ?? []);
    LENGTHS.set(region, lengths);
  }
  return (
    lengths.size === 0 || lengths.has(digits) || lengths.has(digits - 1) || lengths.has(digits - 2)
  );
};

/**
 * The E.164 form of a national number: valid in one of the regions. NANP numbers need the
 * plan's shape; elsewhere a number needs its trunk prefix 0, or a phone word before it
 * (`Tel. 91 123 45 67` in Spain, which has no trunk prefix; `Tel.: 510070895`): ten bare
 * digits with no phone word are far more often an id or a unix time.
 */
const national = (
  candidate: string,
  digits: string,
  regions: readonly string[],
  cued: boolean,
): string | undefined => {
  const trunk = /^\(?0/.test(candidate);
  // After a phone word, digits run together are a number too (`Tel.: 510070895`).
  const written = cued && (GROUPED.test(candidate) || BARE.test(candidate));
  for (const region of regions) {
    if (NANP.has(region)) {
      if (!NANP_SHAPE.test(digits)) continue;
    } else if (!trunk && !written) continue;
    if (!mayFit(region, digits.length)) continue;
    const n = parsePhoneNumberFromString(candidate, region as CountryCode);
    if (n?.isValid()) return n.number;
  }
  return undefined;
};

/**
 * Levels of evidence, tried in turn over the whole run and its shorter prefixes: 0 a
 * number valid as written (`+`, NANP shape, trunk 0, North American layout); 1 also a
 * national number, grouped or run together, after a phone word; 2 also a grouped number no
 * plan knows after a phone word.
 */
type Level = 0 | 1 | 2;

const validate = (
  candidate: string,
  regions: readonly string[],
  cued: () => boolean,
  level: Level,
): string | undefined => {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return undefined;
  if (DATE_LIKE.test(candidate) || DOTTED_QUAD.test(candidate)) return undefined;
  // `AAA-GG-SSSS` is how US social security numbers are written, not phones.
  if (SSN_SHAPE.test(candidate) || TWO_SLASHES.test(candidate)) return undefined;
  const northAmerican = NANP_LAYOUT.test(candidate) && regions.some((r) => NANP.has(r));
  if (candidate.startsWith('+') || (candidate.startsWith('00') && GROUPED.test(candidate))) {
    const e164 = international(candidate);
    if (e164 !== undefined || candidate.startsWith('+')) return e164;
    // `007.536.7922`, `Tel. 0036 245370`: no international number, but the North American
    // layout or a phone word (no national plan: `00` is no trunk prefix).
    if (northAmerican) return `+1${digits.slice(-10)}`;
    return level === 2 && digits.length >= 8 && cued() ? `+${digits.slice(2)}` : undefined;
  }
  const cue = level > 0 && cued();
  if (!NANP_SHAPE.test(digits) && !/^\(?0/.test(candidate) && !cue && !northAmerican)
    return undefined;
  const e164 = national(candidate, digits, regions, cue);
  if (e164 !== undefined) return e164;
  if (northAmerican) return `+1${digits.slice(-10)}`;
  if (level < 2) return undefined;
  // Not valid in any plan known, but written as a phone and announced as one.
  return GROUPED.test(candidate) && digits.length >= 8 && /[\s\-.()]/.test(candidate) && cued()
    ? `+${digits}`
    : undefined;
};

/**
 * Finds phone numbers: international (`+…`, `00…`) of any region, national formats of the
 * configured regions (the fifty of DEFAULT_PHONE_REGIONS unless narrowed), validated by
 * libphonenumber-js's metadata (number plan and length), with extensions (`x123`, `ext.
 * 12`). A phone word before a number (`tel`, `call`, `Handy`, `teléfono` …) admits national
 * numbers without a trunk prefix, grouped or run together, and grouped numbers no plan
 * knows. A number introduced by an identifier word (order, invoice, ticket, account, tax
 * id …), one with two slashes, and a run the card detector reports are not reported.
 */
export const detectPhone = (text: string, params: PhoneParams): Match[] => {
  const matches: Match[] = [];
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    if (m.index > 0 && NOT_BEFORE.test(text[m.index - 1] ?? '')) {
      CANDIDATE.lastIndex = m.index + 1;
      continue;
    }
    let candidate = m[0].startsWith('(') && !m[0].includes(')') ? m[0].slice(1) : m[0];
    const start = m.index + (m[0].length - candidate.length);
    const before = text.slice(Math.max(0, start - CONTEXT_BEFORE), start);
    if (ID_CONTEXT.test(before.slice(-24))) continue;
    let cue: boolean | undefined;
    const cued = (): boolean => {
      cue ??= PHONE_CONTEXT.test(before);
      return cue;
    };
    const extension = EXTENSION.exec(candidate)?.[0] ?? '';
    const whole = candidate.length;
    candidate = candidate.slice(0, whole - extension.length).replace(/[\s/]+$/, '');
    // A card number (Luhn and a card range or a card word) is the card detector's, not a phone.
    if (extension === '' && readsAsCard(candidate, before)) continue;
    let length = candidate.length;
    let e164: string | undefined;
    for (const level of [0, 1, 2] as const) {
      length = candidate.length;
      e164 = validate(candidate, params.regions, cued, level);
      // A number and what follows it can form one run (`415-555-2671 2 times`, `(415)
      // 555-2671 (415) 555-2672`): drop trailing groups, then scan on after the number.
      // Only a number written as a phone (`+`, brackets, dashes, dots) is cut out of a
      // longer run: digit groups split by spaces alone are more often a card or an account.
      for (let cut = candidate.lastIndexOf(' '); e164 === undefined && cut > 0; ) {
        length = candidate.slice(0, cut).replace(/[^\d)]+$/, '').length;
        const prefix = candidate.slice(0, length);
        if (PHONE_PUNCTUATION.test(prefix)) e164 = validate(prefix, params.regions, cued, level);
        cut = candidate.lastIndexOf(' ', length - 1);
      }
      if (e164 !== undefined || (level === 0 && !cued())) break;
    }
    if (e164 !== undefined) {
      const end = start + (length === candidate.length ? whole : length);
      matches.push({ entity: 'PHONE_NUMBER', start, end, canonical: e164 });
      CANDIDATE.lastIndex = end;
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
