/**
 * Data subjects: whose body a record holds. The user id is never stored: the subject key id
 * is a keyed hash of it (the key lives in the body-key store), so neither the archive nor
 * the key store names the person, and a guessed user id cannot be confirmed without the key.
 */
import { createHmac } from 'node:crypto';

/** Where a user id is looked for in an event body, first match wins. */
const USER_PATHS: readonly (readonly string[])[] = [
  ['user_id'],
  ['user', 'id'],
  ['metadata', 'user_id'],
  ['customer_id'],
  ['subject_id'],
];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The user id a body names, if any. */
export const userIdOf = (body: unknown): string | undefined => {
  for (const path of USER_PATHS) {
    let value: unknown = body;
    for (const key of path) value = isRecord(value) ? value[key] : undefined;
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
};

/** Key id of the secret the subject hash is keyed with (never destroyed). */
export const SUBJECT_ID_KEY = 'meta/subject-id';

import type { SubjectIds } from '#ports/body-sealer.ts';

export type { SubjectIds };

/** Subject ids remembered per process (the same users recur batch after batch); bounded, in
 * memory only. The mapping never changes (its secret is never destroyed), so a cached id is
 * never stale, erasure or not. */
const CACHED_SUBJECTS = 10_000;

export const subjectIds = (secret: Uint8Array): SubjectIds => {
  const cache = new Map<string, string>();
  return {
    of: (userId) => {
      let id = cache.get(userId);
      if (id === undefined) {
        id = `u:${createHmac('sha256', secret).update(userId, 'utf8').digest('hex').slice(0, 40)}`;
        if (cache.size >= CACHED_SUBJECTS) cache.clear();
        cache.set(userId, id);
      }
      return id;
    },
  };
};

/** The subject of a record without a user: the record itself. */
export const recordSubject = (chain: string, seq: number): string => `rec:${chain}#${seq}`;
