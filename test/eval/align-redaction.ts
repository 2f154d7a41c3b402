/**
 * Spans recovered from a redactor that only returns redacted text: the text around its
 * placeholders is aligned with the original, and each placeholder's label mapped to ours.
 */
import type { Match } from '#core/policy/detector.ts';

/** Our entity name for a peer's label, if we score one. */
export const entityOf = (label: string): string | undefined => {
  const l = label.toUpperCase();
  if (l.includes('EMAIL')) return 'EMAIL_ADDRESS';
  if (l.includes('PHONE')) return 'PHONE_NUMBER';
  if (l.includes('CREDIT_CARD') || l === 'CARD') return 'CREDIT_CARD';
  if (l.includes('IBAN')) return 'IBAN_CODE';
  if (l.includes('SSN') || l.includes('SOCIAL_SECURITY')) return 'US_SSN';
  if (l.includes('IP_ADDRESS') || l === 'IPV4' || l === 'IPV6') return 'IP_ADDRESS';
  if (l === 'NAME' || l.includes('PERSON')) return 'PERSON';
  return undefined;
};

/**
 * Spans of `original` that `redacted` replaced by placeholders matching `placeholder`:
 * the literal pieces between placeholders are found in order, the gaps are the spans.
 */
export const alignRedaction = (
  original: string,
  redacted: string,
  placeholder: RegExp,
): Match[] => {
  const matches: Match[] = [];
  const pieces: { label: string | undefined; literal: string }[] = [];
  let last = 0;
  let label: string | undefined;
  for (const m of redacted.matchAll(placeholder)) {
    pieces.push({ label, literal: redacted.slice(last, m.index) });
    label = m[1] ?? m[0];
    last = m.index + m[0].length;
  }
  pieces.push({ label, literal: redacted.slice(last) });
  let at = 0;
  for (const [i, piece] of pieces.entries()) {
    // The last piece ends the text (an empty one ends it too).
    const found =
      i === pieces.length - 1
        ? original.length - piece.literal.length
        : original.indexOf(piece.literal, at);
    if (i === pieces.length - 1 && !original.endsWith(piece.literal)) return matches;
    if (found < 0) return matches; // the peer changed text outside placeholders
    if (i > 0 && piece.label !== undefined) {
      const entity = entityOf(piece.label);
      if (entity !== undefined && found > at) {
        const value = original.slice(at, found);
        const lead = value.length - value.trimStart().length;
        const trail = value.length - value.trimEnd().length;
        matches.push({ entity, start: at + lead, end: found - trail });
      }
    }
    at = found + piece.literal.length;
  }
  return matches;
};
