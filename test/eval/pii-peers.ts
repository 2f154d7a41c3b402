/**
 * The PII redactors TypeScript users pick today, wrapped as span detectors with our entity
 * names, so `npm run eval:pii` scores them on the same corpora in the same run.
 * `@openredaction/openredaction` reports positions; `redact-pii` and `@redactpii/node` only
 * return redacted text, so their spans are recovered by aligning the text around their
 * placeholders with the original.
 */
import { OpenRedaction } from '@openredaction/openredaction';
import { Redactor } from '@redactpii/node';
import { SyncRedactor } from 'redact-pii';
import type { Match } from '#core/policy/detector.ts';

const entityOf = (label: string): string | undefined => {
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
    const found =
      i === pieces.length - 1 && piece.literal !== ''
        ? original.lastIndexOf(piece.literal)
        : original.indexOf(piece.literal, at);
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

const openRedaction = new OpenRedaction();
const redactPii = new SyncRedactor();
const redactpiiNode = new Redactor();

/** Each peer as a detector. openredaction's detect is async: see `prepare`. */
export const PEERS: readonly {
  readonly name: string;
  readonly detect: (text: string) => Match[] | Promise<Match[]>;
}[] = [
  {
    name: '@openredaction/openredaction',
    detect: async (text) => {
      const r = (await openRedaction.detect(text)) as {
        detections: { type: string; position: [number, number] }[];
      };
      return r.detections.flatMap((d) => {
        const entity = entityOf(d.type);
        return entity === undefined ? [] : [{ entity, start: d.position[0], end: d.position[1] }];
      });
    },
  },
  {
    name: 'redact-pii',
    detect: (text) =>
      alignRedaction(text, redactPii.redact(text), /\b([A-Z]+(?:_[A-Z]+)+|DIGITS)\b/g),
  },
  {
    name: '@redactpii/node',
    detect: (text) => alignRedaction(text, redactpiiNode.redact(text), /\b([A-Z]+(?:_[A-Z]+)+)\b/g),
  },
];
