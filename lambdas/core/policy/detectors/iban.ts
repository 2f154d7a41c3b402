import { ValidationErrorsIBAN, validateIBAN } from 'ibantools';
import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `iban` detector. */
export const ibanParams = z.strictObject({});
export type IbanParams = z.infer<typeof ibanParams>;

// Country code, check digits, then up to 30 alphanumerics, in groups (of four in print,
// separated by a space, no-break space or dash) or run together, in any case. Tried only
// where two letters precede two digits: a scan that starts at every lower-case letter pair
// runs at ~20 MB/s on prose, one that starts at digit pairs at hundreds.
// Each group is read whole (the look-ahead pins its end), so a long run of letters and
// digits cannot be split into groups in every possible way before the match fails.
const CANDIDATE =
  /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}[A-Za-z0-9]{0,30}(?![A-Za-z0-9])(?:[ \u00a0-][A-Za-z0-9]{1,30}(?![A-Za-z0-9])){0,8}/y;
const MAX_ALNUM = 34;
// Check digits: the first two digits of a run of digits after two ASCII letters, the
// letters checked by hand (a leading look-behind is tried at every character of the text);
// a run is read whole, so the digits of a card or a phone cost one step, not one each.
const DIGIT_RUN = /\d+/g;
const isAsciiLetter = (code: number): boolean => (code | 32) >= 97 && (code | 32) <= 122;
const SEPARATORS = /[ \u00a0-]/g;

/**
 * An IBAN as a PII value, not as a payment instruction: a known country, that country's
 * length and BBAN format, and the ISO 13616 mod-97 check digits. The national check digits
 * some countries put inside the BBAN (the bank/branch/account checksums of BE, ES, FR, PL,
 * NO, PT, HU, CZ …) are not required: a mistyped or invented account number with valid
 * IBAN check digits is still an account number that must not be stored raw, and mod-97
 * alone already rejects all but 1 in 97 random strings of the right shape.
 */
export const isIbanShaped = (electronic: string): boolean => {
  const { valid, errorCodes } = validateIBAN(electronic);
  return (
    valid ||
    (errorCodes.length === 1 &&
      errorCodes[0] === ValidationErrorsIBAN.WrongAccountBankBranchChecksum)
  );
};

// Poland's domestic account number (NRB) is its IBAN without the letters: 2 check digits
// and 24 digits, printed `12 3456 7890 …` or run together. Twenty-six digits are checked as
// `PL` + digits, and since 1 in 97 digit strings passes mod-97 an account word must come
// shortly before (in Polish or English; `nr` is how Polish forms label it, `Nr rachunku`).
// No other country's domestic number is its IBAN minus the country code.
const NRB = /\d{2}(?:[ \u00a0]?\d{4}){6}(?![\w]|[-.,]\d)/y;
const ACCOUNT_CONTEXT =
  /\b(?:konto|konta|koncie|kontem|rachun\w*|nrb|nr|account|acct|iban|bank\w*|przelew\w*|wpłat\w*)\b[^\d\n]{0,24}$/iu;

const polishDomestic = (text: string, at: number): Match | undefined => {
  const before = text.charCodeAt(at - 1);
  if (before === 45 || before === 43 || before === 46 || before === 47) return undefined; // - + . /
  NRB.lastIndex = at;
  const m = NRB.exec(text);
  if (m === null) return undefined;
  const digits = m[0].replace(SEPARATORS, '');
  if (!isIbanShaped(`PL${digits}`)) return undefined;
  if (!ACCOUNT_CONTEXT.test(text.slice(Math.max(0, at - 48), at))) return undefined;
  return { entity: 'IBAN_CODE', start: at, end: at + m[0].length, canonical: `PL${digits}` };
};

/**
 * Finds IBANs in electronic (`DE89370400440532013000`) or print (`DE89 3704 …`) format, in
 * any case (`gb82 west 1234 …`) and grouping, validated by ibantools on the upper-cased
 * value: country, length and BBAN format of that country, and mod-97 (not the national
 * check digits inside the BBAN, see isIbanShaped). A trailing word
 * (`EUR`) is dropped group by group until the IBAN checks. A Polish domestic account
 * number (26 digits, the IBAN without `PL`) is found after an account word.
 */
export const detectIban = (text: string, _params: IbanParams): Match[] => {
  const matches: Match[] = [];
  DIGIT_RUN.lastIndex = 0;
  for (let d = DIGIT_RUN.exec(text); d !== null; d = DIGIT_RUN.exec(text)) {
    if ((d[0].length === 2 || d[0].length === 26) && !isAsciiLetter(text.charCodeAt(d.index - 1))) {
      const nrb = polishDomestic(text, d.index);
      if (nrb !== undefined) {
        matches.push(nrb);
        DIGIT_RUN.lastIndex = nrb.end;
        continue;
      }
    }
    if (
      d[0].length < 2 ||
      d.index < 2 ||
      !isAsciiLetter(text.charCodeAt(d.index - 1)) ||
      !isAsciiLetter(text.charCodeAt(d.index - 2))
    )
      continue;
    CANDIDATE.lastIndex = d.index - 2;
    const m = CANDIDATE.exec(text);
    if (m === null) continue;
    // Past the check digits: the candidate may run on into another IBAN (`…0130 00 DE89…`).
    DIGIT_RUN.lastIndex = m.index + 4;
    let candidate = m[0];
    for (;;) {
      const electronic = candidate.replace(SEPARATORS, '').toUpperCase();
      if (electronic.length < 15) break;
      if (electronic.length <= MAX_ALNUM && isIbanShaped(electronic)) {
        matches.push({
          entity: 'IBAN_CODE',
          start: m.index,
          end: m.index + candidate.length,
          canonical: electronic,
        });
        DIGIT_RUN.lastIndex = m.index + candidate.length;
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
