import type { AnyDetector } from '../detector.ts';
import { allowedModels } from './allowed-models.ts';
import { apiKey } from './api-key.ts';
import { awsAccessKey } from './aws-access-key.ts';
import { bannedPhrases } from './banned-phrases.ts';
import { bearerToken } from './bearer-token.ts';
import { creditCard } from './credit-card.ts';
import { dateTime } from './date-time.ts';
import { email } from './email.ts';
import { highEntropy } from './high-entropy.ts';
import { iban } from './iban.ts';
import { ipAddress } from './ip-address.ts';
import { jwt } from './jwt.ts';
import { ner } from './ner.ts';
import { phone } from './phone.ts';
import { privateKey } from './private-key.ts';
import { promptInjection } from './prompt-injection.ts';
import { regex } from './regex.ts';
import { requiredField } from './required-field.ts';
import { threshold } from './threshold.ts';
import { toxicity } from './toxicity.ts';
import { usSsn } from './us-ssn.ts';

/** Every built-in detector by id (the id is the file name). */
export const DETECTORS: ReadonlyMap<string, AnyDetector> = new Map(
  [
    email,
    phone,
    usSsn,
    creditCard,
    iban,
    ipAddress,
    dateTime,
    ner,
    awsAccessKey,
    privateKey,
    jwt,
    bearerToken,
    apiKey,
    highEntropy,
    toxicity,
    promptInjection,
    regex,
    bannedPhrases,
    requiredField,
    threshold,
    allowedModels,
  ].map((d) => [d.id, d]),
);

/** Detectors provided by the deployment (AWS services), selected by rules like built-ins. */
export const MANAGED_DETECTOR_IDS = ['comprehend-pii', 'bedrock-guardrail'] as const;
export type ManagedDetectorId = (typeof MANAGED_DETECTOR_IDS)[number];

/** Whether a rule's detector id names a managed detector. */
export const isManagedDetectorId = (id: string): id is ManagedDetectorId =>
  (MANAGED_DETECTOR_IDS as readonly string[]).includes(id);
