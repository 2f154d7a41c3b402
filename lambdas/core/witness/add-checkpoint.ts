/**
 * A witness after C2SP tlog-witness (https://c2sp.org/tlog-witness): `add-checkpoint`
 * checks a log's checkpoint against the latest one it cosigned for that origin, using the
 * consistency proof the log sends, and cosigns it only when the log grew append-only.
 *
 * Status codes as the spec gives them: 400 malformed request or old size above the
 * checkpoint's; 403 no valid signature by a key the witness trusts for the origin; 404
 * unknown origin; 409 old size is not the size the witness last cosigned (body: that size,
 * `text/x.tlog.size`); 422 the proof does not verify, or same size with another root (a fork
 * or a rollback).
 */
import { parseCheckpoint } from '#core/chain/checkpoint.ts';
import { type Cosigner, cosign } from '#core/chain/cosignature.ts';
import { decodeBase64Strict } from '#core/chain/encoding.ts';
import { bytesEqual, EMPTY_ROOT, verifyConsistency } from '#core/chain/merkle.ts';
import { openNote, parseVerifierKey, splitNote } from '#core/chain/note.ts';
import type { ClockPort } from '#ports/clock.ts';
import type { WitnessStorePort } from '#ports/witness.ts';

/** A log the witness trusts: its verifier key, for origins that start with `prefix`. */
export interface WitnessedLog {
  readonly vkey: string;
  /** @default `<key name>/` */
  readonly prefix?: string;
}

export interface WitnessDeps {
  readonly store: WitnessStorePort;
  readonly logs: readonly WitnessedLog[];
  readonly cosigner: Cosigner;
  readonly clock: ClockPort;
}

/** The witness's answer. */
export interface WitnessAnswer {
  readonly status: 200 | 400 | 403 | 404 | 409 | 422;
  readonly contentType: string;
  readonly body: string;
}

const MAX_PROOF_LINES = 63;
const TEXT = 'text/plain; charset=utf-8';

const refuse = (status: WitnessAnswer['status'], message: string): WitnessAnswer => ({
  status,
  contentType: TEXT,
  body: `${message}\n`,
});

interface Request {
  readonly old: number;
  readonly proof: Uint8Array[];
  readonly note: string;
}

const parseRequest = (body: string): Request | string => {
  const blank = body.indexOf('\n\n');
  if (blank < 0) return 'the request needs an old size line, proof lines and a blank line';
  const [oldLine = '', ...proofLines] = body.slice(0, blank).split('\n');
  const oldText = /^old (0|[1-9][0-9]*)$/.exec(oldLine)?.[1];
  const old = Number(oldText);
  if (oldText === undefined || !Number.isSafeInteger(old)) return 'bad old size line';
  if (proofLines.length > MAX_PROOF_LINES) return 'too many proof lines';
  const proof: Uint8Array[] = [];
  for (const line of proofLines) {
    const hash = decodeBase64Strict(line);
    if (hash?.length !== 32) return 'a proof line is not base64 of 32 bytes';
    proof.push(hash);
  }
  return { old, proof, note: body.slice(blank + 2) };
};

const prefixOf = (log: WitnessedLog): string => log.prefix ?? `${parseVerifierKey(log.vkey).name}/`;

/** Handles one add-checkpoint request body. */
export const addCheckpoint = async (body: string, deps: WitnessDeps): Promise<WitnessAnswer> => {
  const request = parseRequest(body);
  if (typeof request === 'string') return refuse(400, request);
  let text: string;
  let checkpoint: ReturnType<typeof parseCheckpoint>;
  try {
    text = splitNote(request.note).text;
    checkpoint = parseCheckpoint(text);
  } catch (error) {
    return refuse(400, `not a signed checkpoint: ${(error as Error).message}`);
  }
  const { origin, size, root } = checkpoint;
  const logs = deps.logs.filter((log) => origin.startsWith(prefixOf(log)));
  if (logs.length === 0) return refuse(404, `unknown origin ${origin}`);
  const signed = logs.some((log) => {
    try {
      return openNote(request.note, log.vkey).verified;
    } catch {
      return false;
    }
  });
  if (!signed) return refuse(403, `no valid signature by a key trusted for ${origin}`);
  if (request.old > size) return refuse(400, `old size ${request.old} is above ${size}`);

  return deps.store.update(origin, async (current) => {
    const known = current?.size ?? 0;
    if (request.old !== known) {
      return {
        result: { status: 409, contentType: 'text/x.tlog.size', body: `${known}\n` } as const,
      };
    }
    const rootHex = Buffer.from(root).toString('hex');
    const refused = checkConsistency(request, size, root, current?.root, origin);
    if (refused) return { result: refused };
    const line = await cosign(text, deps.cosigner, Math.floor(deps.clock.now().getTime() / 1000));
    const next = { origin, size, root: rootHex, note: `${request.note}${line}` };
    return { next, result: { status: 200, contentType: TEXT, body: line } as const };
  });
};

/** Why the checkpoint is not an append-only successor of the one cosigned, if it is not. */
const checkConsistency = (
  request: Request,
  size: number,
  root: Uint8Array,
  knownRootHex: string | undefined,
  origin: string,
): WitnessAnswer | undefined => {
  if (size === 0) {
    return bytesEqual(root, EMPTY_ROOT) ? undefined : refuse(422, 'size 0 needs the empty root');
  }
  if (request.old === 0) {
    return request.proof.length === 0 ? undefined : refuse(422, 'no proof from size 0');
  }
  const knownRoot = Buffer.from(knownRootHex ?? '', 'hex');
  if (request.old === size) {
    return bytesEqual(root, knownRoot) && request.proof.length === 0
      ? undefined
      : refuse(422, `fork: ${origin} at size ${size} has another root than the one cosigned`);
  }
  return verifyConsistency(request.old, size, request.proof, knownRoot, root)
    ? undefined
    : refuse(
        422,
        `fork: ${origin} at size ${size} is not consistent with the cosigned size ${request.old}`,
      );
};
