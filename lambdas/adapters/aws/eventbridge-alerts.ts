import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { AuditTrailError } from '#core/errors.ts';
import {
  ALERT_DETAIL_TYPE,
  ALERT_SOURCE,
  type Alert,
  type AlertsPort,
  FAIRNESS_DETAIL_TYPE,
} from '#ports/alerts.ts';

export interface EventBridgeAlertsOptions {
  readonly client: EventBridgeClient;
  readonly busName: string;
  /** Event source; default ALERT_SOURCE (`audit-trail`). */
  readonly source?: string;
  /** Attempts per entry before giving up; default 4. */
  readonly maxAttempts?: number;
  /** First backoff in ms, doubled per attempt; default 100. */
  readonly backoffMs?: number;
}

/** Some alerts could not be published after every retry (the processor redelivers). */
export class AlertPublishError extends AuditTrailError {
  readonly code = 'alert_publish';
  override readonly name = 'AlertPublishError';
  readonly eventIds: readonly string[];
  readonly errorCodes: readonly string[];
  constructor(eventIds: readonly string[], errorCodes: readonly string[]) {
    super(`${eventIds.length} alert(s) not published: ${[...new Set(errorCodes)].join(', ')}`);
    this.eventIds = eventIds;
    this.errorCodes = errorCodes;
  }
}

/** PutEvents takes at most 10 entries per call. */
export const ENTRIES_PER_CALL = 10;

/** Most bytes of one entry's detail: ten of them stay under PutEvents' 256 KB per call. */
export const MAX_DETAIL_BYTES = 24_000;

/**
 * The alert's detail as JSON, at most MAX_DETAIL_BYTES: an alert with more findings than fit
 * keeps the first ones and says how many it left out (`findings_omitted`); the record at
 * chain/seq holds them all. Without this a large alert would fail PutEvents on every
 * redelivery and hold its chain back.
 */
export const alertDetail = (alert: Alert): string => {
  const full = JSON.stringify(alert);
  if (Buffer.byteLength(full) <= MAX_DETAIL_BYTES || alert.type !== 'PolicyViolation') return full;
  let kept = alert.findings.length;
  let detail = full;
  while (Buffer.byteLength(detail) > MAX_DETAIL_BYTES && kept > 0) {
    kept = Math.floor(kept / 2);
    detail = JSON.stringify({
      ...alert,
      findings: alert.findings.slice(0, kept),
      findings_omitted: alert.findings.length - kept,
    });
  }
  return detail;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PolicyViolation alerts as EventBridge events (DetailType `PolicyViolation`, the alert as
 * detail; it holds rule ids, masked snippets and HMACs, never raw values). PutEvents can
 * accept a call yet fail single entries (FailedEntryCount); those are retried with backoff
 * and raised as AlertPublishError if they still fail, so the batch is redelivered and the
 * alerts go out at least once.
 */
export class EventBridgeAlerts implements AlertsPort {
  readonly #client: EventBridgeClient;
  readonly #busName: string;
  readonly #source: string;
  readonly #maxAttempts: number;
  readonly #backoffMs: number;

  constructor(options: EventBridgeAlertsOptions) {
    this.#client = options.client;
    this.#busName = options.busName;
    this.#source = options.source ?? ALERT_SOURCE;
    this.#maxAttempts = options.maxAttempts ?? 4;
    this.#backoffMs = options.backoffMs ?? 100;
  }

  async publish(alerts: readonly Alert[]): Promise<void> {
    for (let i = 0; i < alerts.length; i += ENTRIES_PER_CALL) {
      await this.#putChunk(alerts.slice(i, i + ENTRIES_PER_CALL));
    }
  }

  async #putChunk(alerts: readonly Alert[]): Promise<void> {
    let pending = alerts;
    let codes: string[] = [];
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > this.#maxAttempts) {
        throw new AlertPublishError(
          pending.map((a) => a.event_id),
          codes,
        );
      }
      if (attempt > 1) await sleep(this.#backoffMs * 2 ** (attempt - 2));
      const out = await this.#client.send(
        new PutEventsCommand({ Entries: pending.map((alert) => this.#entry(alert)) }),
      );
      if (!out.FailedEntryCount) return;
      const results = out.Entries ?? [];
      codes = [];
      pending = pending.filter((_, j) => {
        const code = results[j]?.ErrorCode;
        if (code) codes.push(code);
        // A result without an EventId was not accepted, whatever its error code says.
        return Boolean(code) || !results[j]?.EventId;
      });
    }
  }

  #entry(alert: Alert): PutEventsRequestEntry {
    return {
      EventBusName: this.#busName,
      Source: this.#source,
      DetailType: alert.type === 'PolicyViolation' ? ALERT_DETAIL_TYPE : FAIRNESS_DETAIL_TYPE,
      Detail: alertDetail(alert),
      Time: new Date(alert.at),
      Resources: [],
    };
  }
}
