import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';
import {
  TOXICITY_ALLOW,
  TOXICITY_CATEGORIES,
  TOXICITY_LEXICON,
  type ToxicityCategory,
} from './toxicity-lexicon.ts';

/** Parameters of the `toxicity` detector; the lexicon index is built at load time. */
export const toxicityParams = z
  .strictObject({
    /** Categories to report. */
    categories: z
      .array(z.enum(TOXICITY_CATEGORIES))
      .min(1)
      .default([...TOXICITY_CATEGORIES]),
    /** Extra benign phrases; a match inside one is dropped (added to the built-in list). */
    allow: z.array(z.string().min(1)).default([]),
    /** Extra terms by category (added to the built-in lexicon). */
    extra_terms: z
      .partialRecord(z.enum(TOXICITY_CATEGORIES), z.array(z.string().min(1)))
      .default({}),
  })
  .transform((p) => {
    const index =
      p.allow.length > 0 || Object.keys(p.extra_terms).length > 0
        ? indexEntries(entriesOf(TOXICITY_CATEGORIES, p.extra_terms, p.allow))
        : builtIn;
    return { ...p, index, longestHead: index === builtIn ? builtInLongest : longestKey(index) };
  });
export type ToxicityParams = z.infer<typeof toxicityParams>;

interface Token {
  readonly start: number;
  readonly end: number;
  readonly word: string;
  /** Lower-cased, de-obfuscated spellings to look up, best first; computed on demand,
   * since almost every word is ruled out by a single look-up of its lower-case form. */
  forms?: readonly string[];
}

const formsOfToken = (t: Token): readonly string[] => {
  t.forms ??= formsOf(t.word);
  return t.forms;
};

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};
const LETTER = /\p{L}/u;
const SPACER = /^[ ._-]$/;
/** Whether a letter occurs three times in a row (`stuuupid`); a loop, as backreferences
 * are slow in V8 and this runs on every word. */
const stretched = (s: string): boolean => {
  for (let i = 2; i < s.length; i++) {
    if (s.charCodeAt(i) === s.charCodeAt(i - 1) && s.charCodeAt(i) === s.charCodeAt(i - 2))
      return true;
  }
  return false;
};
const HEX = /^[0-9a-f]+$/;

const collapse = (s: string, keep: number): string =>
  s.replace(/(.)\1+/g, (run, c: string) => c.repeat(Math.min(run.length, keep)));

/** Spellings of a word after undoing l33t, masking (`f*ck`) and stretched letters. */
const PLAIN = /^[a-z]+$/;
const formsOf = (raw: string): string[] => {
  const lower = raw.toLowerCase();
  if (PLAIN.test(lower) && !stretched(lower)) return [lower];
  const forms = [lower];
  // Hex strings (`fa95`) are hashes and ids, not l33t.
  if (/[\p{L}]/u.test(lower) && /[0-9@$!|]/.test(lower) && !HEX.test(lower)) {
    const leet = lower.replace(/[0-9@$!|]/g, (c) => LEET[c] ?? c);
    forms.push(
      leet,
      leet.replace(/i/g, (c, i: number) => (lower[i] === '1' ? 'l' : c)),
    );
  }
  for (const f of [...forms]) {
    if (f.includes('*')) for (const v of 'uiaoe') forms.push(f.replaceAll('*', v));
  }
  for (const f of [...forms]) {
    if (stretched(f)) forms.push(collapse(f, 2), collapse(f, 1));
  }
  return forms;
};

const isWordChar = (c: number): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (c >= 48 && c <= 57) ||
  c === 64 || // @
  c === 36 || // $
  c === 42 || // *
  c === 33 || // !
  c === 124 || // |
  (c > 127 && LETTER.test(String.fromCharCode(c)));

/** Words as runs of letters, digits and l33t symbols; a char-code loop is ~6x faster than
 * matchAll here, and this runs over every word of every text. */
const words = (text: string): Token[] => {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
    // `!` and `|` are letters only inside a word (`sh!t`), not as trailing punctuation.
    let end = j;
    while (end > i && (text.charCodeAt(end - 1) === 33 || text.charCodeAt(end - 1) === 124)) end--;
    if (end > i) out.push({ start: i, end, word: text.slice(i, end) });
    i = j;
  }
  return out;
};

const tokenise = (text: string): Token[] => {
  const raw = words(text);
  const tokens: Token[] = [];
  for (let i = 0; i < raw.length; ) {
    // Spaced-out letters (`i d i o t`, `k.i.l.l`) are one word.
    let j = i;
    while (
      j + 1 < raw.length &&
      raw[j]?.word.length === 1 &&
      raw[j + 1]?.word.length === 1 &&
      SPACER.test(text.slice(raw[j]?.end ?? 0, raw[j + 1]?.start ?? 0))
    ) {
      j++;
    }
    const first = raw[i];
    const last = raw[j];
    if (first === undefined || last === undefined) break;
    if (j - i >= 2) {
      const word = raw
        .slice(i, j + 1)
        .map((t) => t.word)
        .join('');
      tokens.push({ start: first.start, end: last.end, word });
      i = j + 1;
    } else {
      tokens.push(first);
      i++;
    }
  }
  return tokens;
};

interface Entry {
  readonly words: readonly string[];
  readonly category: ToxicityCategory | 'allow';
}

/** Lexicon entries indexed by first word (also by its de-stretched form). */
const indexEntries = (entries: readonly Entry[]): Map<string, Entry[]> => {
  const index = new Map<string, Entry[]>();
  const add = (key: string, e: Entry): void => {
    const list = index.get(key) ?? [];
    if (!list.includes(e)) list.push(e);
    index.set(key, list);
  };
  for (const e of entries) {
    const head = e.words[0] ?? '';
    add(head, e);
    add(collapse(head, 1), e);
  }
  return index;
};

const entriesOf = (
  categories: readonly ToxicityCategory[],
  extra: Partial<Record<ToxicityCategory, readonly string[]>>,
  allow: readonly string[],
): Entry[] => {
  const split = (p: string): string[] => p.toLowerCase().split(/\s+/).filter(Boolean);
  const entries: Entry[] = [];
  for (const c of categories) {
    for (const term of [...TOXICITY_LEXICON[c], ...(extra[c] ?? [])])
      entries.push({ words: split(term), category: c });
  }
  for (const a of [...TOXICITY_ALLOW, ...allow])
    entries.push({ words: split(a), category: 'allow' });
  return entries;
};

const builtIn = indexEntries(entriesOf(TOXICITY_CATEGORIES, {}, []));

/** The longest head word, plus one for a plural `s`: a longer run of word characters, even
 * with stretched letters collapsed (a hash, a base64 blob, `****…`), heads no entry and is
 * never expanded into spellings, which would copy the whole run once per spelling. */
const longestKey = (index: ReadonlyMap<string, unknown>): number =>
  Math.max(0, ...[...index.keys()].map((k) => k.length)) + 1;
const builtInLongest = longestKey(builtIn);

const wordMatches = (token: Token | undefined, word: string, plural: boolean): boolean => {
  if (token === undefined) return false;
  const destretched = stretched(token.word) ? collapse(word, 1) : undefined;
  return formsOfToken(token).some(
    (f) => f === word || f === destretched || (plural && f === `${word}s`),
  );
};

/**
 * Finds toxic language by category (hate, harassment, sexual, violence, self-harm) from a
 * lexicon of words and phrases. Words are matched whole (so `Scunthorpe` and `assassin`
 * are clean) after undoing obfuscation: l33t digits and symbols, masking (`f*ck`),
 * stretched letters (`idiooot`) and spaced-out letters (`i d i o t`). Matches inside an
 * allow-listed phrase (`kill the process`) are dropped.
 */
export const detectToxicity = (text: string, params: ToxicityParams): Match[] => {
  const { index } = params;
  const wanted = new Set<string>(params.categories);
  const tokens = tokenise(text);
  const hits: { start: number; end: number; category: ToxicityCategory }[] = [];
  const allowed: { start: number; end: number }[] = [];
  const plain = (w: string): string | undefined => {
    const lower = w.toLowerCase();
    return PLAIN.test(lower) && !stretched(lower) ? lower : undefined;
  };
  tokens.forEach((token, i) => {
    const long = params.longestHead;
    if (token.word.length > long && collapse(token.word, 1).length > long) return;
    const lower = plain(token.word);
    // Fast path: a plain word that heads no entry, even as a plural.
    if (
      lower !== undefined &&
      !index.has(lower) &&
      !(lower.endsWith('s') && index.has(lower.slice(0, -1)))
    ) {
      return;
    }
    const candidates: Entry[] = [];
    const add = (list: readonly Entry[] | undefined): void => {
      if (list !== undefined) for (const e of list) if (!candidates.includes(e)) candidates.push(e);
    };
    for (const f of formsOfToken(token)) {
      add(index.get(f));
      if (f.endsWith('s')) add(index.get(f.slice(0, -1)));
    }
    for (const e of candidates) {
      const last = e.words.length - 1;
      if (!e.words.every((w, k) => wordMatches(tokens[i + k], w, k === last))) continue;
      const end = tokens[i + last]?.end ?? token.end;
      if (e.category === 'allow') allowed.push({ start: token.start, end });
      else if (wanted.has(e.category)) hits.push({ start: token.start, end, category: e.category });
    }
  });
  // Drop hits inside an allowed phrase, then hits inside another hit (the first of equal
  // spans stays). One sweep in start order, longest first: a text full of insults must not
  // cost a comparison of every hit with every other.
  const byStart = (a: { start: number; end: number }, b: { start: number; end: number }): number =>
    a.start - b.start || b.end - a.end;
  allowed.sort(byStart);
  const matches: Match[] = [];
  let next = 0;
  let allowedEnd = -1;
  let coveredEnd = -1;
  for (const h of hits.sort(byStart)) {
    for (let a = allowed[next]; a !== undefined && a.start <= h.start; a = allowed[++next]) {
      allowedEnd = Math.max(allowedEnd, a.end);
    }
    if (allowedEnd >= h.end || coveredEnd >= h.end) continue;
    coveredEnd = h.end;
    matches.push({ entity: h.category.toUpperCase(), start: h.start, end: h.end });
  }
  return matches;
};

/** Registry entry of the `toxicity` detector. */
export const toxicity = textDetector({
  id: 'toxicity',
  target: 'text',
  params: toxicityParams,
  redacts: false,
  detect: detectToxicity,
});
