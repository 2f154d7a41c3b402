import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuditTrailError } from '#core/errors.ts';
import { isErrnoCode, writeFileSynced } from '../file-io.ts';

/** The API key a dev runtime uses, and where it came from. */
export interface ResolvedApiKey {
  readonly key: string;
  /** `env`: given by the caller (AUDIT_TRAIL_API_KEY), never written; `created`: new in the
   * key file; `file`: read from the key file. */
  readonly source: 'env' | 'created' | 'file';
}

/** The key file exists but holds no usable key. */
export class InvalidApiKeyFileError extends AuditTrailError {
  readonly code = 'invalid_api_key_file';
  override readonly name = 'InvalidApiKeyFileError';
}

/** A fresh dev key: 192 random bits, URL-safe, recognisable by its prefix. */
export const generateApiKey = (): string => `atk_${randomBytes(24).toString('base64url')}`;

/**
 * The given key when there is one; else the key in `file`, created on first use with mode
 * 0600 (exclusively, so two starts on one data dir cannot end up with different keys).
 */
export const resolveApiKey = async (
  file: string,
  given: string | undefined,
): Promise<ResolvedApiKey> => {
  if (given !== undefined && given !== '') return { key: given, source: 'env' };
  await mkdir(dirname(file), { recursive: true });
  const key = generateApiKey();
  try {
    await writeFileSynced(file, `${key}\n`, 'wx', 0o600);
    return { key, source: 'created' };
  } catch (error) {
    if (!isErrnoCode(error, 'EEXIST')) throw error;
  }
  const stored = (await readFile(file, 'utf8')).trim();
  if (stored === '' || /\s/.test(stored)) {
    throw new InvalidApiKeyFileError(`${file} holds no API key; delete it to create a new one`);
  }
  return { key: stored, source: 'file' };
};
