import { isValidIBAN } from 'ibantools';
import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `iban` detector. */
export const ibanParams = z.strictObject({});
export type IbanParams = z.infer<typeof ibanParams>;

// Country code, check digits, then up to 30 alphanumerics, in groups (of four in print,
// separated by a space, no-break space or dash) or run together, in any case. Tried only
// where two letters precede two digits: a scan that starts at every lower-case letter pair
// runs at ~20 MB/s on prose, one that starts at digit pairs at hundreds.
const CANDIDATE =
  /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \u00a0-]?[A-Za-z0-9]{1,4}){3,8}(?![A-Za-z0-9])/y;
// Check digits: two digits after two ASCII letters, the letters checked by hand (a leading
// look-behind is tried at every character of the text).
const DIGIT_PAIR = /\d\d/g;
const isAsciiLetter = (code: number): boolean => (code | 32) >= 97 && (code | 32) <= 122;
const SEPARATORS = /[ \u00a0-]/g;

/**
 * Finds IBANs in electronic (`DE89370400440532013000`) or print (`DE89 3704 …`) format, in
 * any case (`gb82 west 1234 …`) and grouping, validated by ibantools on the upper-cased
 * value: country, length and BBAN format of that country, and mod-97. A trailing word
 * (`EUR`) is dropped group by group until the IBAN checks.
 */
export const detectIban = (text: string, _params: IbanParams): Match[] => {
  const matches: Match[] = [];
  DIGIT_PAIR.lastIndex = 0;
  for (let d = DIGIT_PAIR.exec(text); d !== null; d = DIGIT_PAIR.exec(text)) {
    if (
      d.index < 2 ||
      !isAsciiLetter(text.charCodeAt(d.index - 1)) ||
      !isAsciiLetter(text.charCodeAt(d.index - 2))
    ) {
      DIGIT_PAIR.lastIndex = d.index + 1;
      continue;
    }
    CANDIDATE.lastIndex = d.index - 2;
    const m = CANDIDATE.exec(text);
    if (m === null) continue;
    DIGIT_PAIR.lastIndex = m.index + m[0].length;
    let candidate = m[0];
    for (;;) {
      const electronic = candidate.replace(SEPARATORS, '').toUpperCase();
      if (electronic.length < 15) break;
      if (isValidIBAN(electronic)) {
        matches.push({
          entity: 'IBAN_CODE',
          start: m.index,
          end: m.index + candidate.length,
          canonical: electronic,
        });
        break;
      }
      const cut = candidate.search(/[ \u00a0-][^ \u00a0-]*$/);
      if (cut <= 0) break;
      candidate = candidate.slice(0, cut);
    }
  }
  return matches;
};

/** Registry entry of the `iban` detector. */
export const iban = textDetector({
  id: 'iban',
  target: 'text',
  params: ibanParams,
  redacts: true,
  detect: detectIban,
});
