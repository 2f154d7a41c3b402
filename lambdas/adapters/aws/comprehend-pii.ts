import {
  ComprehendClient,
  DetectPiiEntitiesCommand,
  type LanguageCode,
} from '@aws-sdk/client-comprehend';
import type { ManagedDetector, ManagedMatch } from '#ports/managed-detector.ts';

/** Comprehend PII types under the entity names the built-in detectors use. */
const ENTITY_NAMES: Readonly<Record<string, string>> = {
  NAME: 'PERSON',
  EMAIL: 'EMAIL_ADDRESS',
  PHONE: 'PHONE_NUMBER',
  SSN: 'US_SSN',
  CREDIT_DEBIT_NUMBER: 'CREDIT_CARD',
  IP_ADDRESS: 'IP_ADDRESS',
  ADDRESS: 'LOCATION',
  DATE_TIME: 'DATE_TIME',
  INTERNATIONAL_BANK_ACCOUNT_NUMBER: 'IBAN_CODE',
  AWS_ACCESS_KEY: 'AWS_ACCESS_KEY',
  AWS_SECRET_KEY: 'AWS_SECRET_KEY',
};

/** DetectPiiEntities takes at most 100 KB of UTF-8; 30,000 UTF-16 units stay below it. */
const CHUNK = 30_000;

export interface ComprehendPiiOptions {
  /** @default a new ComprehendClient from the environment's region and credentials */
  readonly client?: ComprehendClient;
}

/** UTF-16 offset of a code-point offset (Comprehend counts characters as code points). */
const utf16Offset = (text: string, codePoints: number): number => {
  let units = 0;
  let seen = 0;
  for (const ch of text) {
    if (seen === codePoints) break;
    units += ch.length;
    seen++;
  }
  return units;
};

/**
 * The `comprehend-pii` managed detector: Amazon Comprehend DetectPiiEntities per text (in
 * chunks under the API's size limit), entities filtered by the rule's `entities` and
 * `min_score`, types renamed to Presidio-style names, offsets converted to UTF-16.
 */
export const createComprehendPiiDetector = (
  options: ComprehendPiiOptions = {},
): ManagedDetector => {
  const client = options.client ?? new ComprehendClient({});
  return {
    async detect(text, params) {
      const wanted = params.entities as readonly string[] | undefined;
      const minScore = (params.min_score as number | undefined) ?? 0.8;
      const matches: ManagedMatch[] = [];
      for (let from = 0; from < text.length; from += CHUNK) {
        const chunk = text.slice(from, from + CHUNK);
        const out = await client.send(
          new DetectPiiEntitiesCommand({
            Text: chunk,
            LanguageCode: (params.language as LanguageCode | undefined) ?? 'en',
          }),
        );
        for (const e of out.Entities ?? []) {
          if (e.Type === undefined || e.BeginOffset === undefined || e.EndOffset === undefined)
            continue;
          if ((e.Score ?? 0) < minScore || (wanted !== undefined && !wanted.includes(e.Type)))
            continue;
          matches.push({
            entity: ENTITY_NAMES[e.Type] ?? e.Type,
            start: from + utf16Offset(chunk, e.BeginOffset),
            end: from + utf16Offset(chunk, e.EndOffset),
            ...(e.Score === undefined ? {} : { score: e.Score }),
          });
        }
      }
      return matches;
    },
  };
};
