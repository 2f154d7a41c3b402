import nlp from 'compromise/two';
import * as z from 'zod';
import { type Match, textDetector } from '../detector.ts';
import { isKnownName, nameShape } from './name-model.ts';
import { NAMES_THAT_ARE_WORDS } from './name-words.ts';
import { type NerLexicon, refinePersons } from './ner-context.ts';
import {
  findLowerCaseNames,
  informalCue,
  isConversational,
  type LowerKind,
  NAME_KEYS,
  nameKey,
} from './ner-informal.ts';

const NER_ENTITIES = ['PERSON', 'LOCATION', 'ORGANIZATION'] as const;

/** Parameters of the `ner` detector. */
export const nerParams = z.strictObject({
  /** Which named-entity types to report. */
  entities: z
    .array(z.enum(NER_ENTITIES))
    .min(1)
    .default([...NER_ENTITIES]),
});
export type NerParams = z.infer<typeof nerParams>;

/** `named`: unknown to compromise, a given name or surname of the name statistics. */
type Kind =
  | 'first'
  | 'last'
  | 'person'
  | 'place'
  | 'org'
  | 'honorific'
  | 'common'
  | 'proper'
  | 'named'
  | 'numeral';

// compromise's lexicon (first and last names, places, organisations, honorifics, common
// words) drives a single-pass recogniser: compromise's full tagger finds the same names
// but needs ~20 ms for 4 KB, ten times the guardrail's latency budget.
const { lexicon, countries, starters, orgWords, placeWords, actors } = (() => {
  const model = nlp.model() as {
    one: { lexicon: Record<string, string | string[]> };
    two: { orgWords: Record<string, unknown>; placeWords: Record<string, unknown> };
  };
  const kinds = new Map<string, Kind>();
  const countries = new Set<string>();
  // Roles and titles (`president`, `rabbi`, `striker`): a capitalised word right after one
  // is a person's name more often than not.
  const actors = new Set<string>();
  for (const [word, tags] of Object.entries(model.one.lexicon)) {
    const t = Array.isArray(tags) ? tags : [tags];
    const has = (tag: string): boolean => t.includes(tag);
    if (has('Actor') && !word.includes(' ')) actors.add(word);
    if (has('Country')) countries.add(word);
    const kind: Kind = has('Honorific')
      ? 'honorific'
      : has('FirstName') || has('MaleName') || has('FemaleName')
        ? 'first'
        : has('LastName')
          ? 'last'
          : has('Person')
            ? 'person'
            : has('City') || has('Country') || has('Region') || has('Place')
              ? 'place'
              : has('Organization') || has('SportsTeam')
                ? 'org'
                : has('ProperNoun')
                  ? 'proper'
                  : 'common';
    kinds.set(word, kind);
  }
  // First words of multi-word places and organisations (`new york`, `bank of america`).
  const starters = new Set<string>();
  for (const [word, kind] of kinds) {
    if (word.includes(' ') && (kind === 'place' || kind === 'org'))
      starters.add(word.split(' ')[0] ?? '');
  }
  for (const h of ['miss', 'dame', 'mx', 'madam', 'lady', 'lord']) kinds.set(h, 'honorific');
  return {
    lexicon: kinds,
    countries,
    actors,
    starters,
    orgWords: new Set([
      ...Object.keys(model.two.orgWords),
      'inc',
      'corp',
      'llc',
      'ltd',
      'gmbh',
      'plc',
      'ag',
      'sa',
      'bv',
      'limited',
      // Institutions whose names are often built from a person's name or a given name.
      'regiment',
      'battalion',
      'archdiocese',
      'diocese',
      'church',
      'cathedral',
      'university',
      'college',
      'school',
      'academy',
      'hospital',
      'museum',
      'theatre',
      'theater',
      'foundation',
      'institute',
      'society',
      'association',
      'analytics',
      'solutions',
      'systems',
      'technologies',
      'group',
      'partners',
      'holdings',
      'consulting',
      'labs',
      'capital',
      'ventures',
      'providers',
      'services',
      'insurance',
      'agency',
      'department',
      'ministry',
      'council',
      'committee',
      'club',
      'team',
      'records',
      'studios',
      'press',
      // Awards, leagues and events named after people (`Tony Award`).
      'award',
      'awards',
      'prize',
      'trophy',
      'cup',
      'league',
      'festival',
      'championship',
      'exchange',
      'contest',
      'party',
      // Places of worship and ensembles named after people (`Oscar Peterson Trio`).
      'synagogue',
      'temple',
      'mosque',
      'chapel',
      'campus',
      'trio',
      'quartet',
      'quintet',
      'orchestra',
      'choir',
      'band',
      'memorial',
    ]),
    placeWords: new Set([
      ...Object.keys(model.two.placeWords),
      'street',
      'avenue',
      'road',
      'boulevard',
      'county',
      'province',
      'cemetery',
      'bridge',
      'station',
      'airport',
      'park',
      'square',
      'island',
      'islands',
      'abbey',
      'castle',
      'palace',
      'stadium',
      'arena',
      'tower',
      'hall',
      'valley',
      'river',
      'mountain',
      'hill',
      'hills',
      'bay',
      'beach',
      'harbour',
      'harbor',
    ]),
  };
})();

export { isKnownName };

// Capitalised words; `'s` is split off below. Letters of any script, inner ' and -.
const CAPITALISED = /\p{Lu}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*/gu;
// Words joining capitalised words into one organisation or place (`Bank of America`).
const CONNECTORS = new Set([' of ', ' & ']);
// Particles inside names (`Michael van Gerwen`, `Fernando de la Fuente`, `Amr ibn
// Maymun`, `Francisco Goya y Lucientes`): they join a name's words, and also the name's other parts to a place
// (`Rio de Janeiro`), which the lexicon then tells apart.
const PARTICLE =
  /^ (?:(?:de|del|della|der|den|di|da|das|do|dos|du|la|le|van|von|zu|ter|ten|bin|ibn|ben|bat|al|el|af|av|y) ){1,2}$/;
const NICKNAME_OPEN = /^ (?:``|"|“|'') ?$/;
const NICKNAME_CLOSE = /^ ?(?:''|"|”) $/;
// Regnal and generational numbers after a name (`Otto III`, `Sancho II`, `John I ,`).
const NUMERAL = /^(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3}|XIV|XVI{0,3}|XIX|XX)$/;

interface Token {
  readonly start: number;
  readonly end: number;
  readonly lower: string;
  readonly kind: Kind | undefined;
  /** Text between the previous token of the run and this one, lower case. */
  readonly sep: string;
  /** A capital and a full stop (`M.` in `Lucia M. Andersson`). */
  readonly initial?: boolean;
  /** How much the word looks like a name (see `nameShape`, computed when first asked); 0
   * for words the lexicon knows. */
  readonly shape: () => number;
}

// Roles that precede names and are capitalised at a sentence's start (`Applicant Aisha
// Silva`); compromise tags them by context, so its lexicon lacks many of them.
const ROLES =
  'applicant|customer|patient|employee|client|candidate|user|member|agent|officer|manager|doctor|nurse|professor|president|director|judge|caller|borrower|tenant';
const ROLE = new Set(ROLES.split('|'));
// Words right before a run of unknown capitalised words that make it a person's name:
// greetings, introductions, sign-offs and roles in several languages (strong: they also
// make a lone word shaped like a name one), and words that also precede companies and
// places (`by`, `from`).
const STRONG_CUES = `dear|hi|hello|hey|thanks|thank you|named|name is|i am|i'm|call me|regards|sincerely|cheers|signed|attn|cher|chère|bonjour|merci|je suis|hallo|liebe|lieber|ich bin|hola|querid[oa]|soy|olá|caro|cara|ciao|sono|beste|${ROLES}`;
const STRONG_CUE = new RegExp(`\\b(?:${STRONG_CUES})\\W{0,3}\\s*$`, 'i');
const PERSON_CUE = new RegExp(
  `\\b(?:${STRONG_CUES}|by|contact|best|from|von|par|por|door|cc|featuring|feat)\\W{0,3}\\s*$`,
  'i',
);
// The word before a run, to look up among roles (`striker`, `rabbi`, `Senator`) and
// prepositions of place (`born in Arroyo Seco`).
const WORD_BEFORE = /(\p{L}+)(,?) $/u;
// First words of place names in several languages (`Fort Craig`, `San Juan`, `Lago Maggiore`).
const PLACE_PREFIXES = new Set(
  'fort|mount|mt|lake|loch|port|cape|isle|isla|san|santa|são|sankt|puerto|porto|rio|río|lac|mont|monte|lago|villa|vila|ciudad|nueva|nuevo|bad|bahía|north|south|east|west|northern|southern|eastern|western|upper|lower|greater|rue|rua|avenida|calle|via|viale|piazza|plaza|praça|praia|parque|parc|puente|pont|gare|stade|estadio|estádio|stadion|aeropuerto|aéroport|aeroporto'.split(
    '|',
  ),
);
// Institutions of other languages named after people (`Lycée Victor Duruy`, `Colegio San
// José`, `Universidad Carlos III`).
const ORG_PREFIXES = new Set(
  'collège|lycée|liceo|colegio|colégio|escuela|escola|instituto|institut|universidad|université|universität|universidade|università|hospital|hôpital|ospedale|museo|musée|museu|teatro|théâtre|fundación|fondation|fundação|fondazione|banco|banque|club|clube|atlético|deportivo|sporting|real|dinamo|dynamo|olympique|racing|associação|asociación|association|société|sociedad|partido|parti'.split(
    '|',
  ),
);
const PLACE_PREPOSITIONS = new Set(['in', 'at', 'near', 'into', 'through', 'across', 'around']);
// Verbs of speech and thought right after a run: what follows a person's name in reported
// speech (`Bhamre said`, `Okafor, who told`), in English.
const SPEECH_AFTER =
  /^,?\s(?:(?:has|had|who|also|then|later)\s)?(?:said|says|told|tells|asked|asks|replied|replies|wrote|writes|added|adds|explained|argued|argues|claimed|claims|announced|tweeted|insisted|noted|stated|recalled|answered|responded|admitted|denied|warned|thinks|thought|believes|believed|wants|wanted)\b/;
// Lower-case names after an introduction (`my name is ana souza`, `i'm priya`).
const INTRODUCTION =
  /\b(?:my name is|my name's|name:|i am|i'm|this is|call me|je m'appelle|ich heiße|me llamo|mi chiamo|meu nome é)\s+(\p{Ll}[\p{L}\p{M}'-]*(?:\s\p{Ll}[\p{L}\p{M}'-]*){0,2})/giu;
const KNOWN_NAME = new Set<Kind | undefined>(['first', 'last', 'person']);
// How name-like (mean trigram log-odds) a run of unknown words must be to be a name alone,
// and a lone unknown word to be one after a cue.
const SHAPE_RUN = 0.5;
const SHAPE_CUED = 0.3;
// Below this, an unknown word reads as English, not as a name the lists lack.
const SHAPE_FLOOR = -0.9;

const NO_SHAPE = (): number => 0;

type Hit = { readonly entity: (typeof NER_ENTITIES)[number]; readonly from: number };

/** Cues asked only when needed: each runs a regular expression over nearby text. */
interface Cues {
  /** A greeting, introduction, role or `by`/`from` right before the run. */
  readonly before: () => boolean;
  /** A greeting, introduction or role right before the run. */
  readonly strong: () => boolean;
  /** A verb of speech right after the run. */
  readonly after: () => boolean;
  /** A preposition of place or an acronym (`in`, `FC`) right before the run. */
  readonly place: () => boolean;
  /** A cue of user-written text around a lone word (see `informalCue`). */
  readonly informal: () => boolean;
}

const classify = (tokens: readonly Token[], cues: Cues): Hit | undefined => {
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  if (first === undefined || last === undefined) return undefined;
  if (first.kind === 'honorific') {
    // `Lord Howe Island`, `Queen Elizabeth Hospital`: named after someone.
    if (tokens.length > 2 && (placeWords.has(last.lower) || orgWords.has(last.lower)))
      return { entity: placeWords.has(last.lower) ? 'LOCATION' : 'ORGANIZATION', from: 0 };
    return tokens.length > 1 ? { entity: 'PERSON', from: 1 } : undefined;
  }
  const phrase = tokens.map((t, i) => (i === 0 ? t.lower : t.sep + t.lower)).join('');
  const whole = tokens.length > 1 ? lexicon.get(phrase) : first.kind;
  if (whole === 'place') return { entity: 'LOCATION', from: 0 };
  if (whole === 'org') return { entity: 'ORGANIZATION', from: 0 };
  if (whole === 'person' && tokens.length > 1) return { entity: 'PERSON', from: 0 };
  if (tokens.length > 1 && tokens.some((t) => orgWords.has(t.lower))) {
    return { entity: 'ORGANIZATION', from: 0 };
  }
  if (tokens.length > 1 && (placeWords.has(last.lower) || PLACE_PREFIXES.has(first.lower)))
    return { entity: 'LOCATION', from: 0 };
  if (tokens.length > 1 && ORG_PREFIXES.has(first.lower))
    return { entity: 'ORGANIZATION', from: 0 };
  const cued = (): boolean => cues.before() || cues.after();
  // A lone word is a name if it is a known first name (`Sydney` is a city too), or a name
  // of the statistics, or shaped like one, next to a cue (`Dear Okonkwo`, `Hi Siobhán`,
  // `Bhamre said`).
  // In user-written text a lone surname or famous name is a name when it stands where a
  // person does (`Trump ' s`, `Bye Capwin !`, `support Trump`: `informalCue`).
  if (tokens.length === 1)
    return first.kind !== 'first' && (orgWords.has(first.lower) || placeWords.has(first.lower))
      ? undefined
      : first.kind === 'first' ||
          ((first.kind === 'last' ||
            first.kind === 'named' ||
            (first.kind === undefined && first.shape() >= SHAPE_CUED)) &&
            (first.kind === undefined ? cues.strong() || cues.after() : cued())) ||
          ((first.kind === 'last' ||
            first.kind === 'named' ||
            first.kind === 'person' ||
            (first.kind === undefined && first.shape() >= SHAPE_RUN)) &&
            cues.informal())
        ? { entity: 'PERSON', from: 0 }
        : undefined;
  const nameLike = (t: Token): boolean =>
    t.kind === undefined || t.kind === 'named' || KNOWN_NAME.has(t.kind);
  if (tokens.length > 4 || !tokens.every(nameLike)) return undefined;
  // Names take no `of` or `&` (`Execution of Anne Boleyn`, `Simon & Garfunkel`), end in
  // no initial, and a run of places, works or institutions with a particle (`Playa de
  // Oro`, `Sierra de Gredos`) starts with no given name.
  if (tokens.some((t, i) => i > 0 && (t.sep === ' of ' || t.sep === ' & '))) return undefined;
  if (last.initial === true) return undefined;
  if (
    tokens.some((t, i) => i > 0 && PARTICLE.test(t.sep.replace(/^\./, ''))) &&
    first.kind !== 'first' &&
    first.kind !== 'named' &&
    first.shape() < SHAPE_RUN
  )
    return undefined;
  // Words nobody knows beside a known name must not read as English (`Clinton
  // Correctional Facility`).
  if (tokens.some((t) => t.kind === undefined && t.initial !== true && t.shape() < SHAPE_FLOOR))
    return undefined;

  const from = ROLE.has(first.lower) ? 1 : 0;
  if (from >= tokens.length) return undefined;
  const rest = tokens.slice(from);
  // A name compromise knows in the run; or a run ending in a surname of the statistics
  // whose other words are names or words nobody knows (`Oluwaseun Adeyemi`, `Łukasz
  // Dvořák`: given names the lists lack); or two or three words nobody knows that are
  // shaped like names (`Njenga Karume`); or a cue next to it.
  const unknownOrNamed = rest.every((t) => t.kind === 'named' || t.kind === undefined);
  const statistical = rest.length >= 2 && rest[rest.length - 1]?.kind === 'named' && unknownOrNamed;
  const shaped =
    unknownOrNamed &&
    !rest.some((t) => placeWords.has(t.lower)) &&
    rest.length <= 3 &&
    rest.every((t) => t.kind === 'named' || t.initial === true || t.shape() >= 0) &&
    rest.reduce((sum, t) => sum + (t.kind === 'named' ? Math.max(1, t.shape()) : t.shape()), 0) /
      rest.filter((t) => t.initial !== true).length >=
      SHAPE_RUN &&
    !cues.place();
  if (
    tokens.some((t) => KNOWN_NAME.has(t.kind)) ||
    statistical ||
    shaped ||
    (tokens.length <= 3 && cued())
  ) {
    return { entity: 'PERSON', from };
  }
  return undefined;
};

/**
 * Finds person names, places and organisations in one pass over capitalised words, using
 * compromise's lexicon: a run of capitalised words starting with a known first name (or
 * ending in a known surname, or after an honorific such as `Dr.`) is a PERSON; a known
 * place or a run ending in a place word (`Lake`, `Street`) a LOCATION; a known
 * organisation or a run holding an organisation word (`Bank`, `Inc`) an ORGANIZATION.
 * Common words (`The`, `Please`) break runs, so a sentence's first word is not a name.
 */
export const detectNer = (text: string, params: NerParams): Match[] => {
  const wanted = new Set<string>(params.entities);
  const matches: Match[] = [];
  let run: Token[] = [];
  // The cues of the run being classified: the text before its first word is read once per
  // word however many runs start there; one set of functions serves every run.
  let at = 0;
  let coreEnd = 0;
  let cueAt = -1;
  let cue = false;
  let strong = false;
  let wordBefore = '';
  let conversational: boolean | undefined;
  const look = (): void => {
    if (cueAt === at) return;
    cueAt = at;
    const before = text.slice(Math.max(0, at - 24), at);
    wordBefore = WORD_BEFORE.exec(before)?.[1] ?? '';
    strong = STRONG_CUE.test(before) || actors.has(wordBefore.toLowerCase());
    cue = strong || PERSON_CUE.test(before);
  };
  const cues: Cues = {
    before: () => {
      look();
      return cue;
    },
    strong: () => {
      look();
      return strong;
    },
    place: () => {
      look();
      return (
        PLACE_PREPOSITIONS.has(wordBefore.toLowerCase()) ||
        (wordBefore.length > 1 && wordBefore === wordBefore.toUpperCase())
      );
    },
    after: () => SPEECH_AFTER.test(text.slice(coreEnd, coreEnd + 32)),
    informal: () => {
      conversational ??= isConversational(text);
      return conversational && informalCue(text, at, coreEnd, matches);
    },
  };
  const emit = (tokens: readonly Token[]): boolean => {
    at = tokens[0]?.start ?? 0;
    // A trailing numeral (`Otto III`) belongs to a person's name; it is no evidence of one.
    const end = tokens[tokens.length - 1];
    const numeral = end?.kind === 'numeral';
    const core = numeral ? tokens.slice(0, -1) : tokens;
    coreEnd = core[core.length - 1]?.end ?? at;
    const hit = classify(core, cues);
    const from = hit === undefined ? undefined : core[hit.from];
    const to = numeral && hit?.entity === 'PERSON' ? end : core[core.length - 1];
    if (hit === undefined || from === undefined || to === undefined) return false;
    // Every entity is kept until `refinePersons` has read the context (a PERSON may become
    // a LOCATION); unwanted ones are dropped after.
    matches.push({ entity: hit.entity, start: from.start, end: to.end, score: 0.85 });
    return true;
  };
  // The longest classifiable run from the left wins; the rest is tried again.
  const classifyRun = (tokens: readonly Token[]): void => {
    let i = 0;
    while (i < tokens.length) {
      let j = tokens.length;
      while (j > i && !emit(tokens.slice(i, j))) j--;
      i = j > i ? j : i + 1;
    }
  };
  // The longest classifiable run from the left wins; the rest is tried again. Two names in
  // a row with no comma (`Laura Siegemund Vera Zvonareva`): in a run that starts with a given
  // name, a given name after a surname, followed by another word, starts another name.
  const flush = (): void => {
    let from = 0;
    for (let k = 2; k < run.length - 1; k++) {
      const t = run[k];
      if (
        t?.kind === 'first' &&
        t.sep === ' ' &&
        run[from]?.kind === 'first' &&
        run[k - 1]?.kind !== 'first' &&
        k - from >= 2
      ) {
        classifyRun(run.slice(from, k));
        from = k;
      }
    }
    classifyRun(from === 0 ? run : run.slice(from));
    run = [];
  };
  let prevEnd = -1;
  for (const m of text.matchAll(CAPITALISED)) {
    let word = m[0];
    const possessive = /['’]s$/.test(word);
    if (possessive) word = word.slice(0, -2);
    const lower = word.toLowerCase();
    const gap = prevEnd < 0 ? '' : text.slice(prevEnd, m.index);
    const previous = run[run.length - 1];
    const after = text.charCodeAt(m.index + m[0].length);
    // A numeral right after a name's word, not followed by a lower-case word (`John I
    // went` is a pronoun).
    if (
      previous !== undefined &&
      previous.kind !== 'numeral' &&
      gap === ' ' &&
      NUMERAL.test(word) &&
      !(word.length === 1 && text[m.index + 1] === '.') &&
      (word !== 'I' || !/^ \p{Ll}/u.test(text.slice(m.index + 1, m.index + 3)))
    ) {
      run.push({
        start: m.index,
        end: m.index + word.length,
        lower,
        kind: 'numeral',
        sep: gap,
        shape: NO_SHAPE,
      });
      flush();
      prevEnd = m.index + m[0].length;
      continue;
    }
    // Acronyms (`SSN`, `MAC`) and parts of identifiers (`Jane_Hollis@…`, `v2Beta`) are not
    // names: they end a run.
    const beforeChar = text[m.index - 1] ?? ' ';
    if (
      (word.length > 1 && word === word.toUpperCase()) ||
      after === 95 || // _
      after === 64 || // @
      (after >= 48 && after <= 57) ||
      /[\p{L}\p{N}_@/]/u.test(beforeChar)
    ) {
      flush();
      prevEnd = m.index + m[0].length;
      continue;
    }
    // Names take no `of` (`Priya Nguyen of Contoso Bank` is a person and a company).
    const joins =
      previous !== undefined &&
      (gap === ' ' ||
        PARTICLE.test(gap) ||
        // A nickname in quotes (`Juan "Chino" Pérez`): its quotes join the name.
        (NICKNAME_OPEN.test(gap) && previous.kind === 'first') ||
        (NICKNAME_CLOSE.test(gap) && NICKNAME_OPEN.test(previous.sep)) ||
        // `Carlos E.M. Wagner`, `George E. de Silva`: after an initial.
        (previous.initial === true && (gap === '.' || PARTICLE.test(gap.slice(1)))) ||
        (CONNECTORS.has(gap) && !KNOWN_NAME.has(previous.kind)) ||
        (gap === '. ' && (previous.kind === 'honorific' || previous.end - previous.start === 1)));
    if (!joins || run.length >= 6) flush();
    // A capital and a full stop is an initial (`Lucia M. Andersson`); a common word right
    // after a first name is a surname (`Sofia Brown`)
    const initial = word.length === 1 && text[m.index + 1] === '.';
    // Words compromise does not know are looked up in the name statistics.
    const looked = initial
      ? undefined
      : (lexicon.get(lower) ?? (isKnownName(word) ? 'named' : undefined));
    const afterName =
      previous?.kind === 'first' || (previous !== undefined && previous.end - previous.start === 1);
    // (only if a list holds it or it is shaped like a name: `Jefferson Airplane` is a band).
    // A place or another proper noun right after a given name is a surname when the lists
    // hold it (`Dinah Washington`, `Carl Hudson`).
    const kind =
      (looked === 'common' ||
        ((looked === 'place' || looked === 'proper') && previous?.kind === 'first')) &&
      joins &&
      afterName &&
      word !== 'I' &&
      (isKnownName(word) || nameShape(word) >= SHAPE_RUN)
        ? 'last'
        : looked;
    // Common words break runs, except those that make organisations and places.
    if (
      kind === 'common' &&
      !orgWords.has(lower) &&
      !placeWords.has(lower) &&
      !starters.has(lower)
    ) {
      flush();
    } else {
      let shaped: number | undefined;
      const shape =
        kind === undefined || kind === 'named'
          ? (): number => {
              shaped ??= nameShape(word);
              return shaped;
            }
          : NO_SHAPE;
      run.push({
        start: m.index,
        end: m.index + word.length,
        lower,
        kind,
        sep: joins ? gap.toLowerCase() : '',
        initial,
        shape,
      });
      // A possessive ends the name (`Jane Doe's SSN`).
      if (possessive) flush();
    }
    prevEnd = m.index + m[0].length;
  }
  flush();
  if (wanted.has('PERSON') && text.length > 0) {
    findIntroduced(text, matches);
    findLowerCaseNames(text, matches, lowerKind, lowerSurname, LOWER_NAME_KEYS);
  }
  return refinePersons(text, matches, CONTEXT_LEXICON, (m) =>
    knownFullName(text.slice(m.start, m.end)),
  ).filter((m) => wanted.has(m.entity));
};

const CONTEXT_LEXICON: NerLexicon = {
  // Not countries: `Rolf Vestre, Norway` is an athlete and his country.
  isPlace: (phrase) => lexicon.get(phrase) === 'place' && !countries.has(phrase),
  isNotName: (word) => {
    const kind = lexicon.get(word);
    return kind !== undefined && !KNOWN_NAME.has(kind);
  },
  isPlaceWord: (word) => placeWords.has(word),
  isInstitutionWord: (word) => orgWords.has(word) || placeWords.has(word),
};

/** How a lower-case word reads: names that are also English words (`grace`) are not names. */
const lowerKind = (word: string): LowerKind => {
  const kind = lexicon.get(word);
  if (kind === undefined) return undefined;
  if (kind !== 'first' && kind !== 'last' && kind !== 'person') return 'other';
  return NAMES_THAT_ARE_WORDS.has(word) ? 'other' : kind;
};

// The keys (`nameKey`) of every word `lowerKind` reads as a name: most lower-case words
// are ruled out without a lexicon lookup.
const LOWER_NAME_KEYS = (() => {
  const keys = new Uint8Array(NAME_KEYS);
  for (const word of lexicon.keys()) {
    const kind = lowerKind(word);
    const key = nameKey(word, 0, word.length);
    if (kind !== undefined && kind !== 'other' && key >= 0) keys[key] = 1;
  }
  return keys;
})();

/** A lower-case word after a lower-case given name that continues the name (`kevin smith`). */
const lowerSurname = (word: string): boolean => {
  const kind = lexicon.get(word);
  return kind === undefined
    ? isKnownName(word) || nameShape(word) >= SHAPE_RUN
    : KNOWN_NAME.has(kind);
};

/** A given name and a surname both known: a name whatever surrounds it. */
const knownFullName = (name: string): boolean => {
  const words = name.split(' ');
  const last = words[words.length - 1]?.toLowerCase() ?? '';
  return (
    words.length >= 2 &&
    lexicon.get(words[0]?.toLowerCase() ?? '') === 'first' &&
    (KNOWN_NAME.has(lexicon.get(last)) || isKnownName(last))
  );
};

/** Lower-case names after an introduction, when every word is a name and no common word. */
const findIntroduced = (text: string, matches: Match[]): void => {
  INTRODUCTION.lastIndex = 0;
  for (let m = INTRODUCTION.exec(text); m !== null; m = INTRODUCTION.exec(text)) {
    const words = m[1] ?? '';
    let start = m.index + m[0].length - words.length;
    let end = start;
    for (const w of words.split(' ')) {
      const known = lexicon.get(w);
      if (!isKnownName(w) || (known !== undefined && !KNOWN_NAME.has(known))) break;
      end = (end === start ? start : end + 1) + w.length;
    }
    if (end > start && !matches.some((x) => x.start < end && start < x.end))
      matches.push({ entity: 'PERSON', start, end, score: 0.7 });
    start = end;
  }
};

/** Registry entry of the `ner` detector. */
export const ner = textDetector({
  id: 'ner',
  target: 'text',
  params: nerParams,
  redacts: true,
  detect: detectNer,
});
