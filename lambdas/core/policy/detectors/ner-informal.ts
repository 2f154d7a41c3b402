import type { Match } from '../detector.ts';

/**
 * Cues of user-written text (posts, comments, chat) for a lone word that the name lists
 * hold but that needs context to be a name: people there are named by one word, often in
 * lower case, as the subject or object of a social verb, addressed, or owning something.
 */

// Right before the word: addressing or greeting someone, social verbs whose object is
// mostly a person (`Bye Capwin`, `support Trump`, `meeting you and Desi`).
const INFORMAL_BEFORE =
  /\b(?:bye|love|loves|loved|thanks|thx|congrats|congratulations|rip|r\s?\.\s?i\s?\.\s?p|miss|missed|meet|met|meeting|support|supporting|supports|hug|hugs|marry|married|kiss|blame|unlike|and|&|with|you and|me and|him and|her and)\s?[.,]?\s$/i;
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
  // The name before the joining word ends right before it.
  const previous = persons[persons.length - 1];
  return (
    word !== 'with' &&
    previous?.entity === 'PERSON' &&
    /^\s?,?\s?$/.test(
      text.slice(previous.end, start - cue[0].length + (cue[0].length - cue[0].trimStart().length)),
    )
  );
};

// Lower-case words of letters (with inner ' or -). A word inside an address, a handle, a
// hashtag or an identifier (`lucia+billing@`, `@emma`, `sarah.smith`) is no name: checked
// only for the few words the lexicon knows as names, since lookarounds on every word
// would double the cost of the pass.
const LOWER_WORD = /\p{Ll}[\p{Ll}\p{M}]*(?:['’-]\p{Ll}[\p{Ll}\p{M}]*)*/gu;
const JOINED_BEFORE = /[\p{L}\p{N}_@#/.+:-]/u;
const JOINED_AFTER = /^(?:[\p{L}\p{N}_@+/:]|[.-][\p{L}\p{N}])/u;
const standsAlone = (text: string, start: number, end: number): boolean =>
  !JOINED_BEFORE.test(text[start - 1] ?? ' ') && !JOINED_AFTER.test(text.slice(end, end + 2));

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
): void => {
  if (!ENGLISH.test(text)) return;
  const found: Match[] = [];
  let register: boolean | undefined;
  const conversational = (): boolean => {
    register ??= isConversational(text);
    return register;
  };
  // Candidates come left to right: a cursor over the matches sorted by start finds an
  // overlap in amortised constant time, and a name ending right before by its end.
  const sorted = matches.map((m, i) => ({ m, i })).sort((a, b) => a.m.start - b.m.start);
  const personEnding = new Map<number, number>();
  for (const { m, i } of sorted) if (m.entity === 'PERSON') personEnding.set(m.end, i);
  let cursor = 0;
  let pending: { start: number; end: number; words: number; strong: boolean } | undefined;
  const close = (): void => {
    if (pending === undefined) return;
    const { start, end, words, strong } = pending;
    pending = undefined;
    if (!strong && words === 1 && !(conversational() && informalCue(text, start, end, found)))
      return;
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
  for (const m of text.matchAll(LOWER_WORD)) {
    const word = m[0];
    const start = m.index;
    const end = start + word.length;
    const adjacent = pending !== undefined && text.slice(lastEnd, start) === ' ';
    lastEnd = end;
    if (
      pending !== undefined &&
      adjacent &&
      pending.words < 3 &&
      isSurname(word) &&
      standsAlone(text, start, end)
    ) {
      pending.end = end;
      pending.words++;
      pending.strong = true;
      continue;
    }
    close();
    const kind = kindOf(word);
    if (kind === undefined || kind === 'other' || !standsAlone(text, start, end)) continue;
    pending = { start, end, words: 1, strong: kind === 'first' };
  }
  close();
  for (const f of found) matches.push(f);
};
