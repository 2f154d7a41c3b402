import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { LogPort } from '#core/pipeline/deps.ts';
import type { EnvelopeOutcome } from '#core/pipeline/outcome.ts';

/** An envelope whose payload names its partition (`app`) and carries an index. */
export const envelope = (partition: string, index: number): IntakeEnvelope => ({
  v: 1,
  route: 'decision_log',
  request_id: `${partition}:${index}`,
  received_at: '2025-01-01T00:00:00.000Z',
  payload: { application_id: partition, index },
});

export const envelopes = (partition: string, count: number, from = 0): IntakeEnvelope[] =>
  Array.from({ length: count }, (_, i) => envelope(partition, from + i));

export const partitionOf = (e: IntakeEnvelope): string =>
  (e.payload as { application_id: string }).application_id;

export const indexOf = (e: IntakeEnvelope): number => (e.payload as { index: number }).index;

export const recorded = (e: IntakeEnvelope): EnvelopeOutcome => ({
  request_id: e.request_id,
  status: 'recorded',
});

export const failed = (e: IntakeEnvelope): EnvelopeOutcome => ({
  request_id: e.request_id,
  status: 'failed',
  error: 'simulated',
});

/** A LogPort that keeps what it was told. */
export const memoryLog = (): LogPort & { readonly lines: { level: string; message: string }[] } => {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
};

/** Resolves once `check` holds, polling; fails after `timeoutMs`. */
export const until = async (check: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};
