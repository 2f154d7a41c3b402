/** Payload types the audit trail accepts (docs/API.md); extra fields are kept as sent. */

/** A chat message as OpenAI and most SDKs shape it. */
export interface ChatMessage {
  readonly role: string;
  readonly content?: unknown;
  readonly [field: string]: unknown;
}

/** An inference: the prompt in `input.messages` and/or the completion in `output.content`. */
export interface InferenceEvent {
  event_id?: string;
  timestamp?: string;
  application_id?: string;
  system?: string;
  use_case?: string;
  model?: string | { provider?: string; name?: string; parameters?: Record<string, unknown> };
  /** Messages as `ChatMessage`s, strings, or the provider's own message objects. */
  input?: { messages?: string | readonly unknown[]; [field: string]: unknown };
  output?: { content?: unknown; [field: string]: unknown };
  user?: { id?: string; [field: string]: unknown };
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A decision log: `decision_id` (generated when absent) and `output.decision`. */
export interface DecisionEvent {
  decision_id?: string;
  timestamp?: string;
  application_id?: string;
  use_case?: string;
  model?: string | Record<string, unknown>;
  input?: unknown;
  inputs?: unknown;
  output: { decision: string | number | boolean; reason?: string; [field: string]: unknown };
  confidence?: number;
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * What happened after a decision, reported later (issue 9's `outcome` record): it points at
 * the decision by `decision_id`. Sent inside `/v1/events:batch` as this object, with an
 * `event_id` generated client-side (`outcome_id` when given).
 */
export interface OutcomeEvent {
  decision_id: string;
  outcome: string | number | boolean;
  /** ISO 8601; defaults to now. */
  observed_at?: string;
  application_id?: string;
  event_id?: string;
  [field: string]: unknown;
}

/** `POST /v1/guardrails/evaluate`: text or messages, and which way they flow. */
export interface GuardrailRequest {
  text?: string;
  messages?: readonly unknown[];
  direction: 'input' | 'output';
  use_case?: string;
  application?: string;
  event_id?: string;
}

/** The guardrail's answer. */
export interface GuardrailResult {
  readonly decision: 'allow' | 'flag' | 'block' | (string & {});
  readonly findings: readonly Record<string, unknown>[];
  readonly redacted_text?: string;
  readonly policy_version: string;
  readonly event_id: string;
}

/** Per-call options of the log methods. */
export interface LogOptions {
  /** Send even when sampling would leave the event out. */
  readonly force?: boolean;
}
