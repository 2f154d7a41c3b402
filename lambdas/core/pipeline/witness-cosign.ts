/**
 * Asks the configured witnesses to cosign a checkpoint (C2SP tlog-witness add-checkpoint)
 * and returns the cosignature lines that verify under each witness's key. A witness that
 * knows another old size answers 409 with it, and is asked once more with a proof from that
 * size. A refusal (a fork or a rollback: 422) or an unreachable witness is logged, never
 * fatal: the checkpoint is written with the cosignatures it got, and the verifier decides
 * whether that is enough (`--min-witnesses`).
 */
import { verifyCosignatures } from '#core/chain/cosignature.ts';
import { encodeBase64 } from '#core/chain/encoding.ts';
import type { LogPort } from '#ports/log.ts';
import type { WitnessPort } from '#ports/witness.ts';

export interface CosignRequest {
  /** The log-signed checkpoint note. */
  readonly note: string;
  readonly size: number;
  /** The size the witnesses most likely cosigned last (the previous checkpoint's). */
  readonly old: number;
  /** The consistency proof from `old` to `size` (empty for 0 or `size`). */
  readonly proof: (old: number) => Promise<Uint8Array[]>;
}

const requestBody = (old: number, proof: readonly Uint8Array[], note: string): string =>
  `old ${old}\n${proof.map((h) => `${encodeBase64(h)}\n`).join('')}\n${note}`;

const askOne = async (
  witness: WitnessPort,
  request: CosignRequest,
  log: LogPort,
): Promise<string> => {
  let old = request.old;
  for (let attempt = 0; attempt < 2; attempt++) {
    const proof = old === 0 || old === request.size ? [] : await request.proof(old);
    const answer = await witness.addCheckpoint(requestBody(old, proof, request.note));
    if (answer.status === 200) {
      if (verifyCosignatures(`${request.note}${answer.body}`, [witness.vkey]).length === 1) {
        return answer.body;
      }
      log.warn('witness answered a cosignature that does not verify', { witness: witness.url });
      return '';
    }
    const known = Number(answer.body.trim());
    if (
      answer.status === 409 &&
      Number.isSafeInteger(known) &&
      known <= request.size &&
      known !== old
    ) {
      old = known;
      continue;
    }
    log.warn('witness refused the checkpoint', {
      witness: witness.url,
      status: answer.status,
      reason: answer.body.trim(),
    });
    return '';
  }
  return '';
};

/** The cosignature lines of every witness that cosigned (possibly none). */
export const requestCosignatures = async (
  request: CosignRequest,
  witnesses: readonly WitnessPort[],
  log: LogPort,
): Promise<string> => {
  const lines = await Promise.all(
    witnesses.map((w) =>
      askOne(w, request, log).catch((error: unknown) => {
        log.warn('witness unreachable', { witness: w.url, error: String(error) });
        return '';
      }),
    ),
  );
  return lines.join('');
};
