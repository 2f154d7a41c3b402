/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the text a Merkle tree head is
 * written in before it is signed as a note (see note.ts).
 *
 *   <origin>\n<decimal tree size>\n<base64 root hash>\n[<extension line>\n]*
 */

import { decodeBase64Strict, encodeBase64 } from '#core/chain/encoding.ts';
import { AuditTrailError } from '#core/errors.ts';

/** Default log name: the first part of every checkpoint origin. */
export const DEFAULT_LOG_NAME = 'audit-trail.local';

const HASH_BYTES = 32;
const SIZE_RE = /^(0|[1-9][0-9]*)$/;

/** A tree head: which log, how many leaves, which root. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  /** Opaque extra lines, kept verbatim. */
  readonly extensions?: readonly string[];
}

/** Raised for checkpoint text or fields that break the format. */
export class CheckpointFormatError extends AuditTrailError {
  readonly code = 'checkpoint_format';
  override readonly name = 'CheckpointFormatError';
}

/** The origin line of a chain's checkpoints: one log per chain. */
export const checkpointOrigin = (logName: string, chain: string): string =>
  `${logName}/${encodeURIComponent(chain)}`;

/** Whether `origin` names the log of `chain`, under any log name. */
export const isOriginOf = (origin: string, chain: string): boolean =>
  origin.endsWith(checkpointOrigin('', chain));

const checkLine = (line: string, what: string): void => {
  if (line === '' || line.includes('\n')) {
    throw new CheckpointFormatError(`${what} must be one non-empty line`);
  }
};

/** The checkpoint body text. Throws CheckpointFormatError for fields that cannot be written. */
export const formatCheckpoint = (checkpoint: Checkpoint): string => {
  const { origin, size, root, extensions = [] } = checkpoint;
  checkLine(origin, 'origin');
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new CheckpointFormatError(`tree size must be a non-negative integer: ${size}`);
  }
  if (root.length !== HASH_BYTES) throw new CheckpointFormatError('root must be 32 bytes');
  for (const line of extensions) checkLine(line, 'extension');
  const lines = [origin, String(size), encodeBase64(root), ...extensions];
  return lines.map((line) => `${line}\n`).join('');
};

/** Parses checkpoint body text (a note's text, signatures already split off). */
export const parseCheckpoint = (text: string): Checkpoint => {
  if (!text.endsWith('\n')) throw new CheckpointFormatError('checkpoint must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || sizeText === undefined || rootText === undefined) {
    throw new CheckpointFormatError('checkpoint needs origin, size and root lines');
  }
  checkLine(origin, 'origin');
  const size = Number(sizeText);
  if (!SIZE_RE.test(sizeText) || !Number.isSafeInteger(size)) {
    throw new CheckpointFormatError(`bad tree size: ${JSON.stringify(sizeText)}`);
  }
  const root = decodeBase64Strict(rootText);
  if (root?.length !== HASH_BYTES)
    throw new CheckpointFormatError('root must be base64 of 32 bytes');
  for (const line of extensions) checkLine(line, 'extension');
  return extensions.length > 0 ? { origin, size, root, extensions } : { origin, size, root };
};
