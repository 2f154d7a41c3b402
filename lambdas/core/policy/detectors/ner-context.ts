import type { Match } from '../detector.ts';

/**
 * Context rules applied to the `ner` detector's PERSON matches once a text is read: the
 * words around a name that make it part of a longer designation (`Olaf II of Norway`,
 * `Edward Grey, 1st Viscount Grey of Fallodon`), of a place (`Saint Augustine`, `Chester,
 * Pennsylvania`) or of an institution named after someone (`Alonso Ruiz High School`).
 */
export interface NerLexicon {
  /** A known place (city, country, region) by its lower-case name. */
  readonly isPlace: (phrase: string) => boolean;
  /** A word the lexicon knows as something else than a name (place, common word). */
  readonly isNotName: (word: string) => boolean;
  /** A word that makes a run of capitalised words a place (`County`, `Lake`). */
  readonly isPlaceWord: (word: string) => boolean;
  /** A word that makes a run of capitalised words an organisation or a place. */
  readonly isInstitutionWord: (word: string) => boolean;
}

// `Saint Augustine`, `St. Louis`: a name after these is a place or a church.
const SAINT_BEFORE = /\b(?:St|Ste|Saint|Sainte|Sankt|Sint)\.? $/;
// Sports clubs (`FC Dinamo Kazan`, `AC Milan`, `VfB Stuttgart`) are named after places and
// people.
const CLUB_BEFORE =
  /\b(?:FC|F\.C\.|AFC|AC|SC|CF|CD|SK|FK|NK|KS|SV|VfB|VfL|TSV|AS|SS|BK|IF|IK|HC|HK)\.? $/;
const CAPITALISED_WORDS = String.raw`\p{Lu}[\p{L}\p{M}'’-]*(?: \p{Lu}[\p{L}\p{M}'’-]*){0,2}`;
// Nobility and office held after a name: `, 1st Viscount Grey of Fallodon`, `, Holy Roman
// Emperor`, `, Queen of Portugal`, `, 2nd Baronet`.
const TITLE_AFTER = new RegExp(
  String.raw`^ ?, (?:\d+(?:st|nd|rd|th) )?(?:(?:Holy Roman |Crown |Grand )?(?:Emperor|Empress|King|Queen|Prince|Princess|Duke|Duchess|Earl|Count|Countess|Baron|Baroness|Baronet|Viscount|Viscountess|Marquess|Marquis|Lord|Lady))(?: (?:de |von |van )?\p{Lu}[\p{L}\p{M}'’-]*)?(?: of ${CAPITALISED_WORDS})?(?=$|[^\p{L}])`,
  'u',
);
// A ruler, saint or noble named by a given name (and numeral) and a place or an epithet:
// `Matilda of Flanders`, `Olaf II of Norway`, `Ivan the Terrible`.
const OF_PLACE_AFTER = new RegExp(
  `^(?: (?:I{1,3}|IV|VI{0,3}|IX|XI{0,3}))? (?:of(?: the)?|the) ${CAPITALISED_WORDS}`,
  'u',
);
// Bibliographies and indexes: `Okafor, Mary.`, `Larsen, Kristin, M.`: a surname, a comma
// and the given name found, at the start of a text or an entry.
const INVERTED_BEFORE = /(?:^|[.;:(|] )(\p{Lu}[\p{L}\p{M}'’-]+) ?, ?$/u;
const INVERTED_AFTER = /^(?: \p{Lu}\.?)? ?(?:[.,;)]|$)/u;
// Place names by their form: Persian and Urdu `-abad` towns and ezafe compounds
// (`Hasanabad`, `Hasan Kandi-ye Olya`), Polish communes (`Gmina Nowa Wieś`).
const PLACE_FORM = /(?:abad|ābād)(?:-e)?(?: |$)|-y?e(?: |$)|^gmina /iu;
// `Chester, Pennsylvania`, `Ithaca, New York`: a known place right after a comma.
const COMMA_PLACE_AFTER = new RegExp(`^ ?, (${CAPITALISED_WORDS})`, 'u');
// Capitalised words after a name ending in an institution word (`High School`, `Trio`).
const INSTITUTION_AFTER = new RegExp(`^(?: ?['’]s)? (${CAPITALISED_WORDS})`, 'u');
// A ruler's or a noble's title right before a name: its place follows (`Princess Astrid of
// Norway`).
const RULER_BEFORE =
  /\b(?:Prince|Princess|King|Queen|Duke|Duchess|Archduke|Archduchess|Emperor|Empress|Count|Countess|Tsar|Sultan|Emir|Shah|Saint|Pope|Bishop|Archbishop) $/;
const LONE_NUMERAL = /^\p{L}+(?: (?:I{1,3}|IV|VI{0,3}|IX|X{1,2}I{0,3}))?$/u;

/** The known place the comma introduces, shortest first (`New York` before `New`). */
const placeAfterComma = (rest: string, lexicon: NerLexicon): boolean => {
  const words = COMMA_PLACE_AFTER.exec(rest)?.[1]?.split(' ') ?? [];
  // `Nowa Huta, Kraków County`: a place by its last word.
  const lastWord = words[words.length - 1]?.toLowerCase();
  if (words.length > 1 && lastWord !== undefined && lexicon.isPlaceWord(lastWord)) return true;
  for (let n = 1; n <= words.length; n++)
    if (lexicon.isPlace(words.slice(0, n).join(' ').toLowerCase())) return true;
  return false;
};

const institutionAfter = (rest: string, lexicon: NerLexicon): boolean => {
  const words = INSTITUTION_AFTER.exec(rest)?.[1]?.split(' ') ?? [];
  return words.some((w) => lexicon.isInstitutionWord(w.toLowerCase()));
};

/**
 * Rewrites the PERSON matches of one text in place: extends a name over the title or place
 * that completes it (dropping the matches inside the extension), turns a name after
 * `Saint` or before `, <known place>` into a LOCATION, and drops a name that begins an
 * institution's name. `strong(m)` tells whether the name stands on its own evidence (a
 * known given name and surname), which a place after a comma does not override.
 */
export const refinePersons = (
  text: string,
  matches: Match[],
  lexicon: NerLexicon,
  strong: (m: Match) => boolean,
): Match[] => {
  const out: Match[] = [];
  let coveredTo = -1;
  // Most names have none of these contexts: each rule first checks the one character that
  // it needs, so a text's cost stays that of one pass.
  for (const m of matches.length > 1 ? [...matches].sort((a, b) => a.start - b.start) : matches) {
    if (m.start < coveredTo) continue;
    if (m.entity !== 'PERSON') {
      out.push(m);
      continue;
    }
    const name = text.slice(m.start, m.end);
    const next = text.charCodeAt(m.end);
    const comma = next === 44 || (next === 32 && text.charCodeAt(m.end + 1) === 44);
    const rest = next === 32 || comma ? text.slice(m.end, m.end + 80) : '';
    const before = text.slice(Math.max(0, m.start - 8), m.start);
    if (before.endsWith(' ') && /\p{Lu}/u.test(before)) {
      if (SAINT_BEFORE.test(before)) {
        out.push({ ...m, entity: 'LOCATION' });
        continue;
      }
      if (CLUB_BEFORE.test(before)) {
        out.push({ ...m, entity: 'ORGANIZATION' });
        continue;
      }
    }
    if (PLACE_FORM.test(name)) {
      out.push({ ...m, entity: 'LOCATION' });
      continue;
    }
    if (!name.includes(' ') && /, ?$/.test(before)) {
      const inverted = INVERTED_BEFORE.exec(text.slice(Math.max(0, m.start - 40), m.start));
      const surname = inverted?.[1];
      if (
        inverted !== null &&
        surname !== undefined &&
        !lexicon.isNotName(surname.toLowerCase()) &&
        INVERTED_AFTER.test(text.slice(m.end, m.end + 4))
      ) {
        const start = m.start - inverted[0].length + inverted[0].indexOf(surname);
        while (out.length > 0 && (out[out.length - 1]?.end ?? 0) > start) out.pop();
        out.push({ ...m, start });
        continue;
      }
    }
    const title = comma ? TITLE_AFTER.exec(rest) : null;
    const ofPlace =
      next === 32 && (LONE_NUMERAL.test(name) || RULER_BEFORE.test(before))
        ? OF_PLACE_AFTER.exec(rest)
        : null;
    const extension = title ?? ofPlace;
    if (extension !== null) {
      let end = m.end + extension[0].length;
      // `Peter of Aragon, Count of Ribagorza`: a place, then a title.
      if (title === null) end += TITLE_AFTER.exec(text.slice(end, end + 80))?.[0].length ?? 0;
      out.push({ ...m, end });
      coveredTo = end;
      continue;
    }
    if (comma && !strong(m) && placeAfterComma(rest, lexicon)) {
      out.push({ ...m, entity: 'LOCATION' });
      continue;
    }
    if (rest !== '' && !comma && institutionAfter(rest, lexicon)) continue;
    out.push(m);
  }
  return out;
};
