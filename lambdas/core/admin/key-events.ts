/**
 * Key creation and revocation on the admin chain. Keys are managed in the key store (a
 * file the CLI writes while a server runs, or a DynamoDB table), so the records are
 * written by reconciling: every key created or revoked that the chain does not hold yet
 * gets its record, idempotently by event id. The runtime reconciles at start and before
 * each checkpoint; the CLI does it at once when it holds the data directory.
 */

import type { RecordWriterDeps } from '#core/pipeline/append-records.ts';
import type { StoredKey } from '#ports/key-store.ts';
import {
  type AdminAction,
  type AdminBody,
  appendAdmin,
  localActor,
  stateHash,
} from './admin-chain.ts';

/** What of a key is hashed: everything but its digest (which the chain need not carry). */
const keyState = ({ digest: _digest, ...rest }: StoredKey) => rest;

/** `created_by`/`revoked_by` hold the actor's key id (`local:<os user>` from the CLI). */
const actorOf = (by: string | undefined) =>
  by === undefined ? localActor('unknown') : { key_id: by, tenant: 'default' };

/** The admin records a key's history calls for. */
export const keyActions = (key: StoredKey): AdminAction[] => {
  const created = { ...keyState(key) };
  delete (created as { revoked_at?: string }).revoked_at;
  delete (created as { revoked_by?: string }).revoked_by;
  const details = { role: key.role, tenant: key.tenant, chains: key.chains };
  const actions: AdminAction[] = [
    {
      kind: 'admin',
      event_id: `key.create:${key.key_id}`,
      actor: actorOf(key.created_by),
      body: {
        action: 'key.create',
        target: key.key_id,
        at: key.created_at,
        before_sha256: null,
        after_sha256: stateHash(created),
        details,
      } satisfies AdminBody,
    },
  ];
  if (key.revoked_at !== undefined) {
    actions.push({
      kind: 'admin',
      event_id: `key.revoke:${key.key_id}`,
      actor: actorOf(key.revoked_by),
      body: {
        action: 'key.revoke',
        target: key.key_id,
        at: key.revoked_at,
        before_sha256: stateHash(created),
        after_sha256: stateHash(keyState(key)),
        details,
      } satisfies AdminBody,
    });
  }
  return actions;
};

/** Appends the records of key changes not yet on the admin chain; answers how many. */
export const recordKeyChanges = async (
  keys: readonly StoredKey[],
  deps: RecordWriterDeps,
): Promise<number> => {
  const actions = keys.flatMap(keyActions);
  if (actions.length === 0) return 0;
  const known = await deps.ledger.locate(actions.map((a) => a.event_id));
  const todo = actions.filter((a) => !known.has(a.event_id));
  if (todo.length === 0) return 0;
  return (await appendAdmin(todo, deps)).appended.length;
};
