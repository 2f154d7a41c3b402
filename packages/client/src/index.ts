export { type BackoffOptions, backoffDelay, retryAfterMs } from './backoff.ts';
export { AuditTrailClient, type AuditTrailClientOptions, type ClientStats } from './client.ts';
export { AuditTrailError } from './errors.ts';
export type {
  ChatMessage,
  DecisionEvent,
  GuardrailRequest,
  GuardrailResult,
  InferenceEvent,
  LogOptions,
  OutcomeEvent,
} from './types.ts';
