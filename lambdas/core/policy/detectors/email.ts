import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `email` detector (none yet; kept for a uniform rule shape). */
export const emailParams = z.strictObject({});
export type EmailParams = z.infer<typeof emailParams>;

const isLocalChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || // a-z
  (c >= 65 && c <= 90) || // A-Z
  (c >= 48 && c <= 57) || // 0-9
  c === 46 || // .
  c === 95 || // _
  c === 37 || // %
  c === 43 || // +
  c === 45 || // -
  c === 39; // '

const isDomainChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45;

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^[A-Za-z]{2,24}$/;
// Image file extensions, none of them a top-level domain: `logo@2x.png` is a retina asset.
const IMAGE_EXTENSION = /^(?:png|jpe?g|gif|svg|webp|bmp|ico|tiff?|heic|avif)$/i;

/**
 * Finds e-mail addresses. Scans for `@` and grows the local part and domain around it
 * (far faster than a leading character-class regex), then validates: local part of
 * 1–64 characters without `..`, at least two domain labels, an alphabetic TLD.
 */
export const detectEmail = (text: string, _params: EmailParams): Match[] => {
  const matches: Match[] = [];
  let at = text.indexOf('@');
  let floor = 0;
  while (at !== -1) {
    let start = at;
    while (start > floor && isLocalChar(text.charCodeAt(start - 1))) start--;
    // No leading dot; no leading apostrophe either: `'jo@x.org'` quotes the address.
    while (start < at && (text.charCodeAt(start) === 46 || text.charCodeAt(start) === 39)) start++;
    let end = at + 1;
    while (end < text.length && isDomainChar(text.charCodeAt(end))) end++;
    while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) {
      end--; // a sentence's full stop is not part of the domain
    }
    const local = text.slice(start, at);
    const labels = text.slice(at + 1, end).split('.');
    const tld = labels[labels.length - 1] ?? '';
    if (
      local.length > 0 &&
      local.length <= 64 &&
      !local.includes('..') &&
      !local.endsWith('.') &&
      labels.length >= 2 &&
      labels.every((l) => LABEL.test(l)) &&
      TLD.test(tld) &&
      !IMAGE_EXTENSION.test(tld)
    ) {
      matches.push({
        entity: 'EMAIL_ADDRESS',
        start,
        end,
        canonical: text.slice(start, end).toLowerCase(),
      });
      floor = end;
    }
    at = text.indexOf('@', Math.max(at + 1, floor));
  }
  return matches;
};

/** Registry entry of the `email` detector. */
export const email = textDetector({
  id: 'email',
  target: 'text',
  params: emailParams,
  redacts: true,
  detect: detectEmail,
});
