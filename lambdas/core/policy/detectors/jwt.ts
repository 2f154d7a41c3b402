import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `jwt` detector. */
export const jwtParams = z.strictObject({});
export type JwtParams = z.infer<typeof jwtParams>;

const TOKEN = /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*(?![\w-])/g;

/** Whether a base64url segment decodes to a JSON object. */
const isJsonObject = (segment: string): boolean => {
  try {
    const b64 = segment.replaceAll('-', '+').replaceAll('_', '/');
    const value: unknown = JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};

/** Finds JSON Web Tokens (JWS compact form) whose header and payload decode to JSON. */
export const detectJwt = (text: string, _params: JwtParams): Match[] => {
  const matches: Match[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const [header = '', payload = ''] = m[0].split('.');
    if (isJsonObject(header) && isJsonObject(payload)) {
      matches.push({ entity: 'JWT', start: m.index, end: m.index + m[0].length });
    }
  }
  return matches;
};

/** Registry entry of the `jwt` detector. */
export const jwt = textDetector({
  id: 'jwt',
  target: 'text',
  params: jwtParams,
  redacts: true,
  detect: detectJwt,
});
