import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `bearer-token` detector. */
export const bearerTokenParams = z.strictObject({
  /** Shortest token reported; shorter ones are placeholders such as `Bearer <token>`. */
  min_length: z.int().min(1).default(16),
});
export type BearerTokenParams = z.infer<typeof bearerTokenParams>;

const BEARER = /\bBearer\s+([A-Za-z0-9\-._~+/]+=*)/gi;

/** Finds credentials after `Bearer ` (RFC 6750 token68); the span is the token only. */
export const detectBearerToken = (text: string, params: BearerTokenParams): Match[] => {
  const matches: Match[] = [];
  for (const m of text.matchAll(BEARER)) {
    const token = m[1] ?? '';
    if (token.length < params.min_length) continue;
    const start = m.index + m[0].length - token.length;
    matches.push({ entity: 'BEARER_TOKEN', start, end: start + token.length });
  }
  return matches;
};

/** Registry entry of the `bearer-token` detector. */
export const bearerToken = textDetector({
  id: 'bearer-token',
  target: 'text',
  params: bearerTokenParams,
  redacts: true,
  detect: detectBearerToken,
});
