import {
  ApplyGuardrailCommand,
  BedrockRuntimeClient,
  type GuardrailAssessment,
} from '@aws-sdk/client-bedrock-runtime';
import type { ManagedDetector, ManagedMatch } from '#ports/managed-detector.ts';

/** Bedrock content-filter and PII types under the entity names the built-in detectors use. */
const ENTITY_NAMES: Readonly<Record<string, string>> = {
  HATE: 'HATE',
  INSULTS: 'HARASSMENT',
  SEXUAL: 'SEXUAL',
  VIOLENCE: 'VIOLENCE',
  MISCONDUCT: 'MISCONDUCT',
  PROMPT_ATTACK: 'PROMPT_INJECTION',
  NAME: 'PERSON',
  EMAIL: 'EMAIL_ADDRESS',
  PHONE: 'PHONE_NUMBER',
  US_SOCIAL_SECURITY_NUMBER: 'US_SSN',
  CREDIT_DEBIT_CARD_NUMBER: 'CREDIT_CARD',
  IP_ADDRESS: 'IP_ADDRESS',
  ADDRESS: 'LOCATION',
  INTERNATIONAL_BANK_ACCOUNT_NUMBER: 'IBAN_CODE',
  AWS_ACCESS_KEY: 'AWS_ACCESS_KEY',
  AWS_SECRET_KEY: 'AWS_SECRET_KEY',
};

export interface BedrockGuardrailOptions {
  readonly guardrailId: string;
  readonly guardrailVersion: string;
  /** @default a new BedrockRuntimeClient from the environment's region and credentials */
  readonly client?: BedrockRuntimeClient;
}

/** Every occurrence of a reported match in the text (the service gives no offsets). */
const spansOf = (text: string, match: string | undefined, entity: string): ManagedMatch[] => {
  if (match === undefined || match === '') return [{ entity }];
  const spans: ManagedMatch[] = [];
  for (let at = text.indexOf(match); at !== -1; at = text.indexOf(match, at + match.length)) {
    spans.push({ entity, start: at, end: at + match.length });
  }
  return spans.length > 0 ? spans : [{ entity }];
};

const acted = (x: { action?: string | undefined; detected?: boolean | undefined }): boolean =>
  x.detected === true || (x.action !== undefined && x.action !== 'NONE');

/** Findings of one assessment: classifier verdicts without spans, matched words with. */
const matchesOf = (text: string, a: GuardrailAssessment): ManagedMatch[] => [
  ...(a.contentPolicy?.filters ?? [])
    .filter(acted)
    .map((f) => ({ entity: ENTITY_NAMES[f.type ?? ''] ?? f.type ?? 'CONTENT_FILTER' })),
  ...(a.topicPolicy?.topics ?? []).filter(acted).map(() => ({ entity: 'DENIED_TOPIC' })),
  ...[...(a.wordPolicy?.customWords ?? []), ...(a.wordPolicy?.managedWordLists ?? [])]
    .filter(acted)
    .flatMap((w) => spansOf(text, w.match, 'BANNED_WORD')),
  ...(a.sensitiveInformationPolicy?.piiEntities ?? [])
    .filter(acted)
    .flatMap((p) => spansOf(text, p.match, ENTITY_NAMES[p.type ?? ''] ?? p.type ?? 'PII')),
  ...(a.sensitiveInformationPolicy?.regexes ?? [])
    .filter(acted)
    .flatMap((r) =>
      spansOf(text, r.match, (r.name ?? 'REGEX').toUpperCase().replace(/[^A-Z0-9]+/g, '_')),
    ),
];

/**
 * The `bedrock-guardrail` managed detector: Bedrock ApplyGuardrail on one text, as INPUT
 * or OUTPUT by the field it came from. Content filters and denied topics become findings
 * without a span; matched words, PII and regexes are located in the text for their spans.
 */
export const createBedrockGuardrailDetector = (
  options: BedrockGuardrailOptions,
): ManagedDetector => {
  const client = options.client ?? new BedrockRuntimeClient({});
  return {
    async detect(text, _params, direction) {
      const out = await client.send(
        new ApplyGuardrailCommand({
          guardrailIdentifier: options.guardrailId,
          guardrailVersion: options.guardrailVersion,
          source: direction === 'input' ? 'INPUT' : 'OUTPUT',
          content: [{ text: { text } }],
        }),
      );
      return (out.assessments ?? []).flatMap((a) => matchesOf(text, a));
    },
  };
};
