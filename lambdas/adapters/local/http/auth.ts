import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { presentedKey } from '#core/events/api-key.ts';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks a request's API key against the configured one. Both sides are hashed first so the
 * constant-time comparison also hides the key's length.
 */
export const createKeyCheck = (apiKey: string): ((headers: IncomingHttpHeaders) => boolean) => {
  if (apiKey === '') throw new Error('the API key must not be empty');
  const expected = digest(apiKey);
  return (headers) => {
    const key = presentedKey(headers);
    return key !== undefined && timingSafeEqual(digest(key), expected);
  };
};
