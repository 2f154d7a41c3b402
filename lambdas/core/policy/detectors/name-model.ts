import { brotliDecompressSync } from 'node:zlib';
import { foldName } from './fold-name.ts';
import { gramsOf, TRIGRAM_SCALE } from './name-shape.ts';
import { NAME_STATISTICS_BROTLI_BASE64, NAME_TRIGRAMS_BROTLI_BASE64 } from './name-statistics.ts';

const unpack = (base64: string): string =>
  brotliDecompressSync(Buffer.from(base64, 'base64')).toString('utf8');

// Given names and surnames of many languages (see name-statistics.ts for the sources).
const KNOWN: ReadonlySet<string> = new Set(unpack(NAME_STATISTICS_BROTLI_BASE64).split('\n'));

const TRIGRAMS: ReadonlyMap<string, number> = (() => {
  const packed = unpack(NAME_TRIGRAMS_BROTLI_BASE64);
  const table = new Map<string, number>();
  for (let i = 0; i + 4 <= packed.length; i += 4)
    table.set(packed.slice(i, i + 3), (packed.charCodeAt(i + 3) - 80) / TRIGRAM_SCALE);
  return table;
})();

/** Whether a word (any case, any diacritics) is a known given name or surname. */
export const isKnownName = (word: string): boolean => KNOWN.has(foldName(word));

/**
 * How much a word looks like a name rather than an English word: the mean log-odds of its
 * character trigrams (> 0: more like a name; at 0.5, about two in three names the lists
 * lack pass, and a few English words in a hundred). 0 for words of other scripts.
 */
export const nameShape = (word: string): number => {
  const grams = gramsOf(foldName(word));
  if (grams === undefined || grams.length === 0) return 0;
  let sum = 0;
  for (const g of grams) sum += TRIGRAMS.get(g) ?? 0;
  return sum / grams.length;
};
