import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';

/** Parameters of the `high-entropy` detector. */
export const highEntropyParams = z.strictObject({
  /** Shortest string considered. */
  min_length: z.int().min(8).default(24),
  /** Shannon entropy threshold in bits per character (random base64 ≈ 5.2–6, hex ≈ 3.7–4). */
  min_entropy: z.number().positive().default(4.2),
});
export type HighEntropyParams = z.infer<typeof highEntropyParams>;

const CANDIDATE = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{8,}(?![A-Za-z0-9+/_=-])/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shannon entropy of a string in bits per character. */
export const shannonEntropy = (s: string): number => {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
};

/**
 * Finds long random-looking strings (keys, passwords, tokens without a known prefix): a
 * run of base64/base64url characters at least `min_length` long, mixing letters and
 * digits, with entropy of at least `min_entropy` bits per character. UUIDs are ids, not
 * secrets, and are skipped.
 */
export const detectHighEntropy = (text: string, params: HighEntropyParams): Match[] => {
  const matches: Match[] = [];
  const check = (s: string, start: number): void => {
    if (s.length < params.min_length || UUID.test(s)) return;
    if (!/\d/.test(s) || !/[A-Za-z]/.test(s)) return;
    if (shannonEntropy(s) >= params.min_entropy) {
      matches.push({ entity: 'HIGH_ENTROPY_SECRET', start, end: start + s.length });
    }
  };
  for (const m of text.matchAll(CANDIDATE)) {
    const s = m[0];
    if (s.length < params.min_length) continue;
    // Inline content (`data:image/png;base64,…`) is data, not a credential.
    if (text.startsWith('base64,', m.index - 7)) continue;
    if (s.includes('/') && inUrl(text, m.index)) {
      // A URL's path (`com/api/v2/users/12345/orders`) is judged segment by segment.
      let at = m.index;
      for (const segment of s.split('/')) {
        check(segment, at);
        at += segment.length + 1;
      }
    } else {
      check(s, m.index);
    }
  }
  return matches;
};

/** Whether `text[at]` is inside a URL: `://` earlier in the same whitespace-free run. */
const inUrl = (text: string, at: number): boolean => {
  const before = text.slice(Math.max(0, at - 256), at);
  const scheme = before.lastIndexOf('://');
  return scheme !== -1 && !/\s/.test(before.slice(scheme));
};

/** Registry entry of the `high-entropy` detector. */
export const highEntropy = textDetector({
  id: 'high-entropy',
  target: 'text',
  params: highEntropyParams,
  redacts: true,
  detect: detectHighEntropy,
});
