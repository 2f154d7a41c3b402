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
import { alignRedaction, entityOf } from './align-redaction.ts';

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
