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

// The table's patterns are prefixes of at most six digits: its answer per six-digit prefix
// is cached (the library copies its table on every call).
const byPrefix = new Map<string, ReadonlySet<number> | undefined>();
const issuerLengths = (prefix: string): ReadonlySet<number> | undefined => {
  if (byPrefix.has(prefix)) return byPrefix.get(prefix);
  const types = creditCardType(prefix);
  const lengths = types.length === 0 ? undefined : new Set(types.flatMap((t) => t.lengths));
  if (byPrefix.size >= 50_000) byPrefix.clear();
  byPrefix.set(prefix, lengths);
  return lengths;
};

/** Groups written like a card (4-4-4-4, 4-4-4-x, Amex 4-6-5) rather than some other id. */
const cardGrouping = (lengths: readonly number[]): boolean =>
  lengths.length === 1 ||
  (lengths.length >= 3 && lengths.slice(0, -1).every((n) => n === 4)) ||
  (lengths.length === 3 && lengths[0] === 4 && lengths[1] === 6 && lengths[2] === 5);

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
        if (digits.length < 12 || !luhnValid(digits)) continue;
        if (
          knownIssuer(digits) ||
          (digits.length >= 13 && cardGrouping(lengths) && knownIssuer(digits, false)) ||
          cued()
        )
          best = { end: j, digits };
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
