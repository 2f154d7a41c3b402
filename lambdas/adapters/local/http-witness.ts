/**
 * A witness reached over HTTP (C2SP tlog-witness). Plain `fetch`: the same adapter serves the
 * local checkpointer and the Lambda one.
 */
import { readFile } from 'node:fs/promises';
import { AuditTrailError } from '#core/errors.ts';
import type { WitnessPort } from '#ports/witness.ts';
import { isErrnoCode } from './file-io.ts';

const TIMEOUT_MS = 10_000;

export const httpWitness = (url: string, vkey: string): WitnessPort => ({
  url,
  vkey,
  addCheckpoint: async (requestBody) => {
    const response = await fetch(`${url.replace(/\/+$/, '')}/add-checkpoint`, {
      method: 'POST',
      body: requestBody,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return { status: response.status, body: await response.text() };
  },
});

/** Raised for a witness list that is not `[{url, vkey}]`. */
export class WitnessConfigError extends AuditTrailError {
  readonly code = 'witness_config';
  override readonly name = 'WitnessConfigError';
}

/** A configured witness: where it is and its cosignature/v1 verifier key. */
export interface WitnessConfig {
  readonly url: string;
  readonly vkey: string;
}

/** Parses a witness list (JSON `[{url, vkey}]`); throws for anything else. */
export const parseWitnessConfig = (text: string): WitnessConfig[] => {
  const list = JSON.parse(text) as unknown;
  if (
    !Array.isArray(list) ||
    !list.every(
      (w) =>
        typeof w === 'object' &&
        w !== null &&
        typeof (w as WitnessConfig).url === 'string' &&
        typeof (w as WitnessConfig).vkey === 'string',
    )
  ) {
    throw new WitnessConfigError('a witness list is a JSON array of {"url", "vkey"}');
  }
  return list.map((w: WitnessConfig) => ({ url: w.url, vkey: w.vkey }));
};

/** The witnesses listed in a file (none when it does not exist). */
export const readWitnessConfig = async (path: string): Promise<WitnessConfig[]> => {
  try {
    return parseWitnessConfig(await readFile(path, 'utf8'));
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return [];
    throw error;
  }
};
