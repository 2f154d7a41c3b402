import creditCardType from 'credit-card-type';
import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `credit-card` detector. */
export const creditCardParams = z.strictObject({});
export type CreditCardParams = z.infer<typeof creditCardParams>;

// Digit groups joined by one space, no-break space, narrow no-break space or dash; split
// into groups and re-joined below.
const CANDIDATE = /(?<![\w-])\d+(?:[ \u00a0\u202f-]\d+)*(?![\w]|-\d)/g;
const GROUP = /\d+/g;
// Words that make a Luhn-valid number a card although its issuer range is unknown (a new
// network, a private-label card), in the languages of the larger card markets.
const CARD_CONTEXT =
  /\b(?:card|cards|credit|debit|visa|master ?card|amex|maestro|discover|diners|jcb|unionpay|rupay|elo|mir|troy|verve|cc|ccn|pan|karte|kreditkarte|carte|cb|tarjeta|cart[aã]o|carta|kaart|kort|karta|kartu|kart)\b/i;
const CONTEXT_BEFORE = 48;
// The digits of an IBAN in print form (`GB58 ECWD 6424 3545 1231 52`) are not a card.
const INSIDE_IBAN = /[A-Za-z]{2}\d{2}(?:[ \u00a0-][A-Za-z0-9]{4})*[ \u00a0-]$/;

/** Luhn (mod 10) check over a string of digits. */
export const luhnValid = (digits: string): boolean => {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
};

/**
 * Whether a network's issuer range holds the number's prefix (`braintree/credit-card-type`'s
 * table: Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro, Mir, Elo, Hiper,
 * Hipercard, Troy, Verve …), and with `exactLength` whether its length is one the network issues.
 */
export const knownIssuer = (digits: string, exactLength = true): boolean => {
  const lengths = issuerLengths(digits.slice(0, 6));
  return lengths !== undefined && (!exactLength || lengths.has(digits.length));
};

// Ranges issued in the past that credit-card-type (which lists what is issued today) lacks,
// as the published IIN tables gave them (Wikipedia's "Payment card number" until its
// 2010s revisions, copied by many validators): JCB's 15-digit cards under 1800 and 2131
// (the table knows the prefixes, but only at 16–19 digits), and Maestro's 0604, 12–19 digits.
// Cards from these ranges are still in old records, exports and test data.
const HISTORIC: readonly { readonly prefix: string; readonly lengths: readonly number[] }[] = [
  { prefix: '1800', lengths: [15] },
  { prefix: '2131', lengths: [15] },
  { prefix: '0604', lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
];

// The table's patterns are prefixes of at most six digits: its answer per six-digit prefix
// is cached (the library copies its table on every call).
const byPrefix = new Map<string, ReadonlySet<number> | undefined>();
const issuerLengths = (prefix: string): ReadonlySet<number> | undefined => {
  if (byPrefix.has(prefix)) return byPrefix.get(prefix);
  const all = creditCardType(prefix).flatMap((t) => t.lengths);
  for (const h of HISTORIC) if (prefix.startsWith(h.prefix)) all.push(...h.lengths);
  const lengths = all.length === 0 ? undefined : new Set(all);
  if (byPrefix.size >= 50_000) byPrefix.clear();
  byPrefix.set(prefix, lengths);
  return lengths;
};

/** Groups written like a card (4-4-4-4, 4-4-4-x, Amex 4-6-5) rather than some other id. */
const cardGrouping = (lengths: readonly number[]): boolean =>
  lengths.length === 1 ||
  (lengths.length >= 3 && lengths.slice(0, -1).every((n) => n === 4)) ||
  (lengths.length === 3 && lengths[0] === 4 && lengths[1] === 6 && lengths[2] === 5);

/** Luhn-valid digits that a known range, a known range in card groups or a card word make a card. */
const cardEvidence = (digits: string, lengths: readonly number[], cued: () => boolean): boolean =>
  luhnValid(digits) &&
  (knownIssuer(digits) ||
    (digits.length >= 13 && cardGrouping(lengths) && knownIssuer(digits, false)) ||
    cued());

const CARD_WRITTEN = /^\d+(?:[ \u00a0\u202f-]\d+)*$/;
const GROUP_SEPARATOR = /[ \u00a0\u202f-]/;
const GROUP_SEPARATORS = /[ \u00a0\u202f-]/g;

/**
 * Whether a whole run of digits (`written`, run together or in groups) is a card number the
 * `credit-card` detector reports, given the text `before` it: other detectors (phone) leave
 * such a run to it, so a 12-digit Maestro starting with a 0 is not also a phone.
 */
export const readsAsCard = (written: string, before: string): boolean => {
  // Called for every phone candidate: the cheap tests first, the groups only for the few
  // runs of 12–19 digits that pass Luhn.
  if (written.length < 12 || !CARD_WRITTEN.test(written)) return false;
  const digits = written.replace(GROUP_SEPARATORS, '');
  if (digits.length < 12 || digits.length > 19 || !luhnValid(digits)) return false;
  return cardEvidence(
    digits,
    written.split(GROUP_SEPARATOR).map((g) => g.length),
    () => CARD_CONTEXT.test(before.slice(-CONTEXT_BEFORE)),
  );
};

/**
 * Finds payment card numbers: 12–19 digits, run together or in groups separated by spaces,
 * no-break spaces or dashes, with a valid Luhn check digit, and either an issuer range and
 * length of a known network, a known range written in card groups (a 13-digit Visa, a
 * 15-digit JCB), or a card word before it (`card`, `Karte`, `tarjeta` …) for ranges the
 * table does not know. The longest valid run of groups wins, so an expiry is not swallowed.
 */
export const detectCreditCard = (text: string, _params: CreditCardParams): Match[] => {
  const matches: Match[] = [];
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    if (m[0].length < 12) continue;
    if (INSIDE_IBAN.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
    const groups: { start: number; end: number }[] = [];
    GROUP.lastIndex = 0;
    for (let g = GROUP.exec(m[0]); g !== null; g = GROUP.exec(m[0]))
      groups.push({ start: m.index + g.index, end: m.index + g.index + g[0].length });
    let context: boolean | undefined;
    const cued = (): boolean => {
      context ??= CARD_CONTEXT.test(text.slice(Math.max(0, m.index - CONTEXT_BEFORE), m.index));
      return context;
    };
    let i = 0;
    while (i < groups.length) {
      const first = groups[i];
      if (first === undefined) break;
      let best: { end: number; digits: string } | undefined;
      let digits = '';
      const lengths: number[] = [];
      for (let j = i; j < groups.length; j++) {
        const g = groups[j];
        if (g === undefined) break;
        digits += text.slice(g.start, g.end);
        lengths.push(g.end - g.start);
        if (digits.length > 19) break;
        if (digits.length >= 12 && cardEvidence(digits, lengths, cued)) best = { end: j, digits };
      }
      if (best !== undefined) {
        const end = groups[best.end]?.end ?? first.end;
        matches.push({ entity: 'CREDIT_CARD', start: first.start, end, canonical: best.digits });
        i = best.end + 1;
      } else {
        i++;
      }
    }
  }
  return matches;
};

/** Registry entry of the `credit-card` detector. */
export const creditCard = textDetector({
  id: 'credit-card',
  target: 'text',
  params: creditCardParams,
  redacts: true,
  detect: detectCreditCard,
});
