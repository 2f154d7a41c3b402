/** A word folded for name lookup: lower case, diacritics removed (`Łukasz` → `lukasz`). */
export const foldName = (word: string): string =>
  word
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ł/g, 'l')
    .replace(/ø/g, 'o')
    .replace(/ß/g, 'ss');
