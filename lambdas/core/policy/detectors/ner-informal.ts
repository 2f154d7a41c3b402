import type { Match } from '../detector.ts';

/**
 * Cues of user-written text (posts, comments, chat) for a lone word that the name lists
 * hold but that needs context to be a name: people there are named by one word, often in
 * lower case, as the subject or object of a social verb, addressed, or owning something.
 */

// Right before the word: addressing or greeting someone, social verbs whose object is
// mostly a person (`Bye Capwin`, `support Trump`, `meeting you and Desi`). `&` has no word
// boundary before it when spaced, so it is matched after a space or at the start instead.
const INFORMAL_BEFORE =
  /(?:\b(?:bye|love|loves|loved|thanks|thx|congrats|congratulations|rip|r\s?\.\s?i\s?\.\s?p|miss|missed|meet|met|meeting|support|supporting|supports|hug|hugs|marry|married|kiss|blame|unlike|and|with|you and|me and|him and|her and)|(?<!\S)&)\s?[.,]?\s$/i;
// Right after the word: a possessive (also tokenised, `Trump ' s`), a verb of a person as
// subject, or an address at the end of a sentence (`Great video , Tex !`).
const INFORMAL_AFTER =
  /^(?:\s?['’]\s?s\b|,?\s(?:is|was|has|had|does|did|knew|knows|looks|looked|makes|made|sings|sang|needs|wants|wanted|loves|loved|hates|hated|likes|liked|seems|gets|got|should|would|could|can|will|must)\b)/i;
const VOCATIVE_BEFORE = /,\s$/;
const VOCATIVE_AFTER = /^\s?[!?]/;
// The register of a conversation: a first- or second-person pronoun, an exclamation or a
// question, chat abbreviations. Encyclopaedic and formal text (`Pallas 's warbler`,
// `Museum of Fine Arts , Houston`) has none of them, and the cues above are not read there.
const CONVERSATIONAL =
  /(?:^|[^\p{L}])(?:i|i'm|im|me|my|mine|you|your|ya|u|ur|we|us|our|lol|lmao|omg|wtf|tbh|pls|plz)(?:$|[^\p{L}])|[!?]|\p{Extended_Pictographic}/iu;

/** Whether a text reads as a conversation (see CONVERSATIONAL); asked once per text. */
export const isConversational = (text: string): boolean => CONVERSATIONAL.test(text);

// A few of the commonest English words: lower-case given names are read only in English
// text (`dan` is Indonesian for `and`, `yan` a Tagalog pronoun).
const ENGLISH =
  /(?:^|[^\p{L}])(?:the|and|is|are|was|to|of|it|that|this|for|with|you|my|i)(?:$|[^\p{L}])/iu;

/**
 * Whether the word at [start, end) of `text` stands where a person's name does in
 * user-written text. `persons` are the PERSON matches found so far, left of the word: a
 * word joined to one by `and`, `&` or a comma is another name (`Vin , Dwayne , Ty`).
 */
export const informalCue = (
  text: string,
  start: number,
  end: number,
  persons: readonly Match[],
): boolean => {
  // `I'm`, `Let's`: contractions are no names.
  if (/['’]/.test(text.slice(start, end))) return false;
  const before = text.slice(Math.max(0, start - 24), start);
  const after = text.slice(end, end + 16);
  if (INFORMAL_AFTER.test(after)) return true;
  if (VOCATIVE_BEFORE.test(before) && VOCATIVE_AFTER.test(after)) return true;
  const cue = INFORMAL_BEFORE.exec(before);
  if (cue === null) return false;
  // `and`, `&` and `with` join names to anything: only next to a name or a pronoun.
  const word = cue[0].trim().replace(/[.,]$/, '').trim().toLowerCase();
  if (word !== 'and' && word !== '&' && word !== 'with') return true;
  // The name before the joining word ends right before it (the cue less its leading space).
  const previous = persons[persons.length - 1];
  return (
    word !== 'with' &&
    previous?.entity === 'PERSON' &&
    /^\s?,?\s?$/.test(text.slice(previous.end, start - cue[0].trimStart().length))
  );
};

// Lower-case words of letters (with inner ' or -): see the scan in `findLowerCaseNames`. A word inside an address, a handle, a
// hashtag or an identifier (`lucia+billing@`, `@emma`, `sarah.smith`) is no name: checked
// only for the few words the lexicon knows as names, since lookarounds on every word
// would double the cost of the pass.
const LOWER = /\p{Ll}/u;
const LOWER_OR_MARK = /[\p{Ll}\p{M}]/u;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const isLowerAt = (text: string, i: number, c: number): boolean =>
  (c >= 97 && c <= 122) || (c > 127 && LOWER.test(text[i] ?? ''));
const isLowerOrMarkAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return (c >= 97 && c <= 122) || (c > 127 && LOWER_OR_MARK.test(text[i] ?? ''));
};
/** A letter or digit of any script (ASCII by range; others by a one-character test). */
const isWordCode = (c: number): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (c >= 48 && c <= 57) ||
  (c > 127 && WORD_CHAR.test(String.fromCharCode(c)));
const JOINED_BEFORE = /[\p{L}\p{N}_@#/.+:-]/u;
const JOINED_AFTER = /^(?:[\p{L}\p{N}_@+/:]|[.-][\p{L}\p{N}])/u;
const standsAlone = (text: string, start: number, end: number): boolean =>
  !JOINED_BEFORE.test(text[start - 1] ?? ' ') && !JOINED_AFTER.test(text.slice(end, end + 2));

/**
 * A cheap filter before the lexicon: the first two letters (a–z) and the length (up to 15)
 * of the word at [start, end), as an index into a bit table of the names' keys. Words of other letters get
 * -1 and are always looked up.
 */
export const nameKey = (text: string, start: number, end: number): number => {
  const a = text.charCodeAt(start) - 97;
  const b = end - start > 1 ? text.charCodeAt(start + 1) - 97 : 0;
  if (a < 0 || a > 25 || b < 0 || b > 25) return -1;
  return (a * 26 + b) * 16 + Math.min(end - start, 15);
};
/** Size of the bit table `nameKey` indexes. */
export const NAME_KEYS = 26 * 26 * 16;

/** How the lexicon reads a lower-case word. */
export type LowerKind = 'first' | 'last' | 'person' | 'other' | undefined;

/**
 * Names written in lower case (`emma`, `kevin smith`, `lil wayne`): a given name of the
 * lexicon that is no English word, followed by up to two words the name lists hold (or a
 * surname of the lexicon); a lone surname or famous name (`obama`, `ronaldo`) only next to
 * an informal cue. One pass over the text's words; each is looked up once.
 */
export const findLowerCaseNames = (
  text: string,
  matches: Match[],
  kindOf: (word: string) => LowerKind,
  isSurname: (word: string) => boolean,
  keys: Uint8Array,
): void => {
  const found: Match[] = [];
  // What a candidate needs is computed at the first candidate: most texts have none.
  let english: boolean | undefined;
  let register: boolean | undefined;
  const conversational = (): boolean => {
    register ??= isConversational(text);
    return register;
  };
  // Candidates come left to right: a cursor over the matches sorted by start finds an
  // overlap in amortised constant time, and a name ending right before by its end.
  let sorted: { m: Match; i: number }[] | undefined;
  const personEnding = new Map<number, number>();
  let cursor = 0;
  let pending: { start: number; end: number; words: number; strong: boolean } | undefined;
  const close = (): void => {
    if (pending === undefined) return;
    const { start, end, words, strong } = pending;
    pending = undefined;
    english ??= ENGLISH.test(text);
    if (!english) return;
    if (!strong && words === 1 && !(conversational() && informalCue(text, start, end, found)))
      return;
    if (sorted === undefined) {
      sorted = matches.map((m, i) => ({ m, i })).sort((a, b) => a.m.start - b.m.start);
      for (const { m, i } of sorted) if (m.entity === 'PERSON') personEnding.set(m.end, i);
    }
    while (cursor < sorted.length && (sorted[cursor]?.m.end ?? 0) <= start) cursor++;
    if ((sorted[cursor]?.m.start ?? end) < end) return;
    // After a capitalised name (`Travis scott`): its surname.
    const previous = text[start - 1] === ' ' ? personEnding.get(start - 1) : undefined;
    const name = previous === undefined ? undefined : matches[previous];
    if (previous !== undefined && name !== undefined) {
      matches[previous] = { ...name, end };
      return;
    }
    found.push({ entity: 'PERSON', start, end, score: 0.6 });
  };
  let lastEnd = -1;
  // Words are found by char codes, not by a regular expression: this pass reads every
  // word of every text, and most are ruled out by `nameKey` before any string is made.
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isLowerAt(text, i, c)) {
      // Skip a whole run of other letters and digits (`Emma`, `v2`): no word starts inside.
      i++;
      if (isWordCode(c)) while (i < n && isWordCode(text.charCodeAt(i))) i++;
      continue;
    }
    const start = i;
    i++;
    for (;;) {
      while (i < n && isLowerOrMarkAt(text, i)) i++;
      const joiner = text.charCodeAt(i);
      if (
        (joiner === 39 || joiner === 0x2019 || joiner === 45) &&
        i + 1 < n &&
        isLowerAt(text, i + 1, text.charCodeAt(i + 1))
      )
        i += 2;
      else break;
    }
    const end = i;
    // A word running on into capitals or digits (`iPhone`, `abc123`) is no name.
    if (i < n && isWordCode(text.charCodeAt(i))) {
      while (i < n && isWordCode(text.charCodeAt(i))) i++;
      close();
      continue;
    }
    const adjacent =
      pending !== undefined && start - lastEnd === 1 && text.charCodeAt(lastEnd) === 32;
    lastEnd = end;
    if (
      pending !== undefined &&
      adjacent &&
      pending.words < 3 &&
      isSurname(text.slice(start, end)) &&
      standsAlone(text, start, end)
    ) {
      pending.end = end;
      pending.words++;
      pending.strong = true;
      continue;
    }
    close();
    const key = nameKey(text, start, end);
    if (key >= 0 && keys[key] === 0) continue;
    const kind = kindOf(text.slice(start, end));
    if (kind === undefined || kind === 'other' || !standsAlone(text, start, end)) continue;
    pending = { start, end, words: 1, strong: kind === 'first' };
  }
  close();
  for (const f of found) matches.push(f);
};
