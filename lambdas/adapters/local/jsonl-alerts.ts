import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Alert, AlertsPort } from '#ports/alerts.ts';
import type { LogPort } from '#ports/log.ts';

export interface JsonlAlertsOptions {
  /** File the alerts are appended to, one JSON object per line. */
  readonly file: string;
  /** Optional webhook: each batch is POSTed as `{alerts: [...]}`. */
  readonly webhookUrl?: string;
  /** Webhook request timeout. @default 5000 */
  readonly webhookTimeoutMs?: number;
  readonly log: LogPort;
}

/**
 * The local AlertsPort: appends PolicyViolation alerts as JSON Lines to a file (the alert
 * of record; a failure to write it throws, so the processor retries) and, when a webhook
 * URL is set, POSTs them there too. Webhook failures are logged and swallowed: a receiver
 * that is down must not stall the audit trail. Alerts hold findings with masked snippets
 * and keyed hashes only, never raw values.
 */
export const createJsonlAlerts = (options: JsonlAlertsOptions): AlertsPort => ({
  async publish(alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    await mkdir(dirname(options.file), { recursive: true });
    await appendFile(options.file, alerts.map((a) => `${JSON.stringify(a)}\n`).join(''));
    if (options.webhookUrl === undefined) return;
    try {
      const response = await fetch(options.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ alerts }),
        signal: AbortSignal.timeout(options.webhookTimeoutMs ?? 5000),
      });
      if (!response.ok) {
        options.log.warn('alert webhook refused', {
          status: response.status,
          alerts: alerts.length,
        });
      }
    } catch (error) {
      options.log.warn('alert webhook failed', {
        error: (error as Error).message,
        alerts: alerts.length,
      });
    }
  },
});
