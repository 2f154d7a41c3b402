/**
 * Loads verifier keys and a chain's signed checkpoints. Only checkpoints whose signature
 * verifies against a trusted key, and which name this chain and their own size, are handed
 * to the chain verifier; every other one is a fault.
 */

import { checkpointsPrefix, keysPrefix, parseKey } from '#core/archive/layout.ts';
import { isOriginOf, parseCheckpoint } from '#core/chain/checkpoint.ts';
import { openNote, parseVerifierKey } from '#core/chain/note.ts';
import { AuditTrailError } from '#core/errors.ts';
import type { ArchivePort } from '#ports/archive.ts';
import type { TrustedCheckpoint } from './chain-verifier.ts';
import type { FaultLog } from './report.ts';

type Reader = Pick<ArchivePort, 'list' | 'get'>;

/** Raised for a pinned key that is not a C2SP verifier key. */
export class PinnedKeyError extends AuditTrailError {
  readonly code = 'pinned_key';
  override readonly name = 'PinnedKeyError';
}

/** The keys checkpoints are checked against. */
export interface TrustedKeys {
  /** C2SP verifier key texts. */
  readonly vkeys: readonly string[];
  readonly pinned: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

const textOf = (bytes: Uint8Array): string | undefined => {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
};

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** `name+keyid` of a verifier key, as reports show it. */
export const keyLabel = (vkey: string): string => vkey.split('+').slice(0, 2).join('+');

/**
 * The pinned key, or else every `keys/*.vkey` of the archive (unreadable ones are
 * malformed faults). Throws PinnedKeyError for a pinned key that does not parse.
 */
export const loadTrustedKeys = async (
  reader: Reader,
  pinned: string | undefined,
  faults: FaultLog,
): Promise<TrustedKeys> => {
  if (pinned !== undefined) {
    const vkey = pinned.trim();
    try {
      parseVerifierKey(vkey);
    } catch (error) {
      throw new PinnedKeyError(`the pinned key is not a verifier key: ${messageOf(error)}`);
    }
    return { vkeys: [vkey], pinned: true };
  }
  const vkeys: string[] = [];
  for await (const key of reader.list(keysPrefix)) {
    const bytes = await reader.get(key);
    const vkey = bytes === undefined ? undefined : textOf(bytes)?.trim();
    try {
      if (vkey === undefined) throw new Error('unreadable');
      parseVerifierKey(vkey);
      vkeys.push(vkey);
    } catch (error) {
      faults.add('', -1, 'malformed', `${key} is not a verifier key: ${messageOf(error)}`);
    }
  }
  return { vkeys, pinned: false };
};

/** Opens a signed note with the first key that verifies it. */
const openWithKeys = (
  note: string,
  vkeys: readonly string[],
): { text: string; key: string } | { reason: string } => {
  let reason = vkeys.length === 0 ? 'no verifier key to check it with' : 'no trusted key signed it';
  for (const vkey of vkeys) {
    const opened = openNote(note, vkey);
    if (opened.verified) return { text: opened.text, key: keyLabel(vkey) };
    if (vkeys.length === 1 && opened.reason) reason = opened.reason;
  }
  return { reason };
};

/** A chain's checkpoints that verified, ascending by size, and the keys that signed them. */
export const loadChainCheckpoints = async (
  reader: Reader,
  chain: string,
  keys: TrustedKeys,
  faults: FaultLog,
): Promise<{ trusted: TrustedCheckpoint[]; keys: Set<string> }> => {
  const trusted: TrustedCheckpoint[] = [];
  const used = new Set<string>();
  for await (const key of reader.list(checkpointsPrefix(chain))) {
    const parsed = parseKey(key);
    if (parsed?.type !== 'checkpoint') continue;
    const size = parsed.size;
    const at = size - 1;
    const bytes = await reader.get(key);
    const note = bytes === undefined ? undefined : textOf(bytes);
    if (note === undefined) {
      faults.add(chain, at, 'malformed', `${key} is not readable text`);
      continue;
    }
    let opened: ReturnType<typeof openWithKeys>;
    try {
      opened = openWithKeys(note, keys.vkeys);
    } catch (error) {
      faults.add(chain, at, 'malformed', `${key} is not a signed note: ${messageOf(error)}`);
      continue;
    }
    if ('reason' in opened) {
      faults.add(chain, at, 'bad_signature', `checkpoint at size ${size}: ${opened.reason}`);
      continue;
    }
    let checkpoint: ReturnType<typeof parseCheckpoint>;
    try {
      checkpoint = parseCheckpoint(opened.text);
    } catch (error) {
      faults.add(chain, at, 'malformed', `${key} is not a checkpoint: ${messageOf(error)}`);
      continue;
    }
    if (!isOriginOf(checkpoint.origin, chain)) {
      // Validly signed, but for another chain: it proves nothing about this one.
      faults.add(
        chain,
        at,
        'bad_signature',
        `checkpoint at size ${size} is signed for ${checkpoint.origin}, not this chain`,
      );
      continue;
    }
    if (checkpoint.size !== size) {
      faults.add(chain, at, 'malformed', `${key} holds a checkpoint of size ${checkpoint.size}`);
      continue;
    }
    used.add(opened.key);
    trusted.push({ size, root: Buffer.from(checkpoint.root).toString('hex') });
  }
  trusted.sort((a, b) => a.size - b.size);
  return { trusted, keys: used };
};
