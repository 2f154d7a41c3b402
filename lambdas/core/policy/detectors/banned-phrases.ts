import * as z from 'zod';
import { type Match, regexMatches, textDetector } from '../detector.ts';
import { escapeRegExp } from '../paths.ts';

/** Parameters of the `banned-phrases` detector. */
export const bannedPhrasesParams = z
  .strictObject({
    /** Phrases matched case-insensitively as whole words; spaces match any whitespace. */
    phrases: z.array(z.string().regex(/\S/, 'a phrase, not blank')).min(1),
    /** Entity name reported. */
    entity: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, 'UPPER_SNAKE_CASE')
      .default('BANNED_PHRASE'),
  })
  .transform((p) => {
    const alternatives = p.phrases
      .map((s) => escapeRegExp(s.trim()).replace(/\s+/g, '\\s+'))
      .sort((a, b) => b.length - a.length);
    return {
      ...p,
      re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu'),
    };
  });
export type BannedPhrasesParams = z.infer<typeof bannedPhrasesParams>;

/**
 * Finds banned phrases as whole words, e.g. proxies of protected attributes (`zip code`,
 * `age`, `marital status`) in a decision's stated reason.
 */
export const detectBannedPhrases = (text: string, params: BannedPhrasesParams): Match[] =>
  regexMatches(text, params.re, params.entity);

/** Registry entry of the `banned-phrases` detector. */
export const bannedPhrases = textDetector({
  id: 'banned-phrases',
  target: 'text',
  params: bannedPhrasesParams,
  redacts: false,
  detect: detectBannedPhrases,
});
