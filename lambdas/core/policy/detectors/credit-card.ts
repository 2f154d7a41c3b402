import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `credit-card` detector. */
export const creditCardParams = z.strictObject({});
export type CreditCardParams = z.infer<typeof creditCardParams>;

// Digit groups joined by single spaces or dashes; split into groups and re-joined below.
const CANDIDATE = /(?<![\w-])\d+(?:[ -]\d+)*(?![\w]|-\d)/g;

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

/** Issuer identification ranges (inclusive prefixes of equal length) and card lengths. */
const ISSUERS: readonly {
  readonly from: number;
  readonly to: number;
  readonly lengths: readonly number[];
}[] = [
  { from: 4, to: 4, lengths: [13, 16, 19] }, // Visa
  { from: 51, to: 55, lengths: [16] }, // Mastercard
  { from: 2221, to: 2720, lengths: [16] }, // Mastercard 2-series
  { from: 34, to: 34, lengths: [15] }, // American Express
  { from: 37, to: 37, lengths: [15] },
  { from: 6011, to: 6011, lengths: [16, 19] }, // Discover
  { from: 644, to: 649, lengths: [16, 19] },
  { from: 65, to: 65, lengths: [16, 19] },
  { from: 300, to: 305, lengths: [14, 16, 19] }, // Diners Club
  { from: 36, to: 36, lengths: [14, 16, 19] },
  { from: 38, to: 39, lengths: [14, 16, 19] },
  { from: 3528, to: 3589, lengths: [16, 19] }, // JCB
  { from: 62, to: 62, lengths: [16, 17, 18, 19] }, // UnionPay
  { from: 50, to: 50, lengths: [13, 16, 19] }, // Maestro
  { from: 56, to: 58, lengths: [13, 16, 19] },
  { from: 6759, to: 6759, lengths: [13, 16, 19] },
];

// Each range's prefix length as a power of ten, so one 4-digit prefix serves every range:
// this runs for every run of 13-19 digits, and a text of digit groups has many.
const SCALED = ISSUERS.map((i) => ({ ...i, scale: 10 ** (4 - String(i.from).length) }));

/** Whether the number's prefix and length belong to a known card issuer. */
export const knownIssuer = (digits: string): boolean => {
  if (digits.length < 4) return false;
  const head = Number(digits.slice(0, 4));
  for (const i of SCALED) {
    const prefix = Math.floor(head / i.scale);
    if (prefix >= i.from && prefix <= i.to && i.lengths.includes(digits.length)) return true;
  }
  return false;
};

/**
 * Finds payment card numbers: 13–19 digits, optionally in groups separated by spaces or
 * dashes, with a valid Luhn check digit and a known issuer range and length. Longest
 * valid run of consecutive groups wins, so a trailing expiry or amount is not swallowed.
 */
export const detectCreditCard = (text: string, _params: CreditCardParams): Match[] => {
  const matches: Match[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    if (m[0].length < 13) continue;
    const groups: { start: number; end: number }[] = [];
    for (const g of m[0].matchAll(/\d+/g)) {
      groups.push({ start: m.index + g.index, end: m.index + g.index + g[0].length });
    }
    let i = 0;
    while (i < groups.length) {
      const first = groups[i];
      // Every issuer's numbers start with 2-6.
      const lead = first === undefined ? 0 : text.charCodeAt(first.start);
      if (lead < 50 || lead > 54) {
        i++;
        continue;
      }
      let best: { end: number; digits: string } | undefined;
      let digits = '';
      for (let j = i; j < groups.length; j++) {
        const g = groups[j];
        if (first === undefined || g === undefined) break;
        digits += text.slice(g.start, g.end);
        if (digits.length > 19) break;
        if (digits.length >= 13 && knownIssuer(digits) && luhnValid(digits)) {
          best = { end: j, digits };
        }
      }
      if (first !== undefined && best !== undefined) {
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
