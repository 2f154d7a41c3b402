import { createHash } from 'node:crypto';
import { quarantineKey } from '#core/archive/layout.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { Problem } from '#core/events/problem.ts';
import { ArchiveConflictError, type ArchivePort } from '#ports/archive.ts';

/** The body of a `rejected` record: why, and where the raw bytes are kept. */
export interface RejectionBody {
  readonly route: string;
  readonly request_id: string;
  readonly problems: readonly Problem[];
  readonly quarantine_key: string;
  readonly raw_sha256: string;
  readonly raw_size: number;
}

/** Rejected records get their own id space, so a later valid resend of the same event id
 * is still recorded rather than taken for a duplicate. */
export const rejectedEventId = (envelope: IntakeEnvelope): string =>
  `rejected:${envelope.request_id}`;

const encoder = new TextEncoder();
const rawBytes = (payload: unknown): Uint8Array =>
  encoder.encode(typeof payload === 'string' ? payload : (JSON.stringify(payload) ?? ''));

/** Writes the raw input to quarantine (write-once, so a retry finds it there) and returns
 * the body of the rejected record that points at it. With `seal` (layout v2) the object
 * holds the bytes encrypted (see BodySealer.sealQuarantine). */
export const quarantine = async (
  envelope: IntakeEnvelope,
  problems: readonly Problem[],
  archive: ArchivePort,
  retainUntil: Date | undefined,
  seal?: (bytes: Uint8Array, key: string) => Promise<Uint8Array>,
): Promise<RejectionBody> => {
  const bytes = rawBytes(envelope.payload);
  const key = quarantineKey(envelope.received_at.slice(0, 10), envelope.request_id);
  // Layout v2: the raw bytes are kept only encrypted, under keys the purge destroys.
  try {
    await archive.put(key, seal ? await seal(bytes, key) : bytes, {
      contentType: 'application/octet-stream',
      ...(retainUntil ? { retainUntil } : {}),
    });
  } catch (error) {
    // A retry sealing the same request's bytes anew: the object already kept stands.
    if (!(seal && error instanceof ArchiveConflictError)) throw error;
  }
  return {
    route: envelope.route,
    request_id: envelope.request_id,
    problems,
    quarantine_key: key,
    raw_sha256: createHash('sha256').update(bytes).digest('hex'),
    raw_size: bytes.length,
  };
};
