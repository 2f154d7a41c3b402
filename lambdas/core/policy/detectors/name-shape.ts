/** Scale of the trigram log-odds in the packed model (one character per trigram). */
export const TRIGRAM_SCALE = 8;

const LETTERS = /^[a-z'-]+$/;

/**
 * The character trigrams of a folded word with its edges marked (`^ana$` → `^an`, `ana`,
 * `na$`); undefined for words of other scripts or with digits, which the model never saw.
 */
export const gramsOf = (folded: string): string[] | undefined => {
  if (!LETTERS.test(folded)) return undefined;
  const s = `^${folded}$`;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= s.length; i++) grams.push(s.slice(i, i + 3));
  return grams;
};
