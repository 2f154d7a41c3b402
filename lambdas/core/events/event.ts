import type { RecordKind, RecordRef } from '#core/chain/record.ts';

/**
 * The one internal event every accepted payload normalises into (see `normalise.ts`).
 * It is what travels on the stream and what the processor turns into a record.
 */
export interface NormalisedEvent {
  /** The client's event/decision id, or one generated at intake. */
  readonly event_id: string;
  readonly kind: RecordKind;
  /** Chain key: application/system id by default (lanes are appended by the stream). */
  readonly chain_key: string;
  /** Client timestamp (ISO 8601) when the payload had one. */
  readonly occurred_at?: string;
  /** Which intake shape it came in as, e.g. `audit_event`, `decision_log`. */
  readonly source: string;
  /** The payload exactly as accepted (after JSON parse): this becomes the record body. */
  readonly body: unknown;
  /** Texts the policy engine inspects, by field path (`input.messages[0].content`, …). */
  readonly texts: readonly { readonly field: string; readonly text: string }[];
  /** The client's own policy_checks, kept as client-reported. */
  readonly client_policy_checks?: unknown;
  readonly use_case?: string;
  /** The model the payload names (`model` as a name or `{name, version}`, else
   * `metadata.model`): what deployments are matched against. */
  readonly model?: { readonly name?: string; readonly version?: string };
  readonly ref?: RecordRef;
}
