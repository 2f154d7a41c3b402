/**
 * Generates the synthetic PII evaluation corpus, test/fixtures/pii-eval/corpus.jsonl, one
 * labelled text per line: `{id, text, spans: [{entity, start, end}]}` (UTF-16 offsets, end
 * exclusive). Deterministic (fixed seed): run `node test/eval/make-pii-corpus.ts` and commit
 * the output. Values are built from numbering-plan rules (issuer prefixes + Luhn, mod-97,
 * SSA ranges), never filtered through the detectors. Hard negatives are mixed in unlabelled:
 * card-like numbers failing Luhn, invalid SSNs, order and tracking ids, version strings,
 * MAC addresses, hashes, unix times, amounts and product names.
 */
import { writeFileSync } from 'node:fs';

const SEED = 20_240_115;
const RECORDS = 420;

let state = SEED;
/** mulberry32: small, fast, good enough for test data. */
const random = (): number => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T;
const digits = (n: number): string => Array.from({ length: n }, () => int(0, 9)).join('');
const pad = (n: number, w: number): string => String(n).padStart(w, '0');

const FIRST = [
  'James',
  'Maria',
  'Wei',
  'Aisha',
  'Carlos',
  'Emily',
  'Oliver',
  'Sofia',
  'Liam',
  'Priya',
  'Noah',
  'Fatima',
  'Lucas',
  'Hannah',
  'Mateo',
  'Chloe',
  'Ethan',
  'Isabella',
  'Daniel',
  'Yuki',
  'Omar',
  'Grace',
  'Mohammed',
  'Elena',
  'Jonas',
  'Amara',
  'Samuel',
  'Leila',
  'Benjamin',
  'Nadia',
  'Thomas',
  'Ingrid',
  'Rahul',
  'Zoe',
  'Kwame',
  'Anna',
  'Dmitri',
  'Lucia',
  'Henrik',
  'Mei',
  'Siobhan',
  'Tariq',
  'Olga',
  'Diego',
  'Sarah',
  'Patrick',
  'Ana',
  'Victor',
];
const LAST = [
  'Smith',
  'Garcia',
  'Chen',
  'Khan',
  'Johnson',
  'Muller',
  'Rossi',
  'Nguyen',
  'Williams',
  'Patel',
  'Brown',
  'Kowalski',
  'Silva',
  'Andersson',
  'Okafor',
  'Tanaka',
  'Martin',
  'Hernandez',
  'Ivanova',
  'Dubois',
  'Murphy',
  'Cohen',
  'Fischer',
  'Larsen',
  'Moreno',
  'Ahmed',
  'Novak',
  'Schmidt',
  'Walker',
  'Kim',
  'Lopez',
  'Becker',
  'Mensah',
  'Haddad',
  'Fernandez',
  'Taylor',
  'Jensen',
  'Romano',
  'Yilmaz',
  'Sato',
  'Clarke',
  'Adeyemi',
];
const CITIES = [
  'London',
  'Paris',
  'Berlin',
  'Madrid',
  'Chicago',
  'Boston',
  'Seattle',
  'Toronto',
  'Sydney',
  'Tokyo',
  'Mumbai',
  'Dublin',
  'Amsterdam',
  'Vienna',
  'Denver',
  'Austin',
  'Lisbon',
  'Oslo',
  'Germany',
  'France',
  'Canada',
  'Texas',
  'California',
  'Japan',
  'Brazil',
  'Kenya',
];
const ORGS = [
  'Microsoft',
  'Google',
  'Amazon',
  'Acme Corp',
  'Globex Inc',
  'First National Bank',
  'Initech LLC',
  'Stark Industries',
  'Northwind Traders Ltd',
  'Contoso Bank',
  'Oxford University',
  'Red Cross',
];
const PRODUCTS = [
  'iPhone 15 Pro',
  'Galaxy S24 Ultra',
  'ThinkPad X1 Carbon',
  'PlayStation 5',
  'Pixel 8',
  'Surface Pro 9',
  'Kindle Paperwhite',
  'MacBook Air',
  'Xbox Series X',
  'Echo Dot',
  'Model Y',
  'AirPods Max',
];
const DOMAINS = [
  'example.com',
  'mail.example.org',
  'corp.example.co.uk',
  'example.net',
  'uni.example.edu',
  'example.de',
];
const US_AREAS = [
  201, 206, 212, 213, 303, 305, 312, 404, 415, 480, 503, 512, 617, 646, 702, 713, 718, 773, 818,
  917,
];

const luhnDigit = (body: string): string => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
};
const cardNumber = (): string => {
  const [prefix, length] = pick([
    ['4', 16],
    ['51', 16],
    ['55', 16],
    ['2223', 16],
    ['34', 15],
    ['37', 15],
    ['6011', 16],
    ['3530', 16],
  ] as const);
  const body = prefix + digits(length - prefix.length - 1);
  return body + luhnDigit(body);
};
const formatCard = (n: string): string => {
  if (n.length === 15) return pick([`${n.slice(0, 4)} ${n.slice(4, 10)} ${n.slice(10)}`, n]);
  const groups = n.match(/\d{4}/g) ?? [n];
  return pick([groups.join(' '), groups.join('-'), n]);
};
const mod97 = (s: string): number => {
  let r = 0;
  for (const c of s) {
    const v = /[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c;
    for (const d of v) r = (r * 10 + Number(d)) % 97;
  }
  return r;
};
const ibanOf = (cc: string, bban: string): string =>
  `${cc}${pad(98 - mod97(`${bban + cc}00`), 2)}${bban}`;
const letters = (n: number): string =>
  Array.from({ length: n }, () => String.fromCharCode(65 + int(0, 25))).join('');
const iban = (): string => {
  const electronic = pick([
    () => ibanOf('DE', digits(18)),
    () => ibanOf('GB', letters(4) + digits(14)),
    () => ibanOf('AT', digits(16)),
  ])();
  return pick([electronic, electronic.replace(/(.{4})/g, '$1 ').trim()]);
};
const ssn = (): string => {
  let area = int(1, 899);
  if (area === 666) area = 667;
  const parts = [pad(area, 3), pad(int(1, 99), 2), pad(int(1, 9999), 4)];
  return parts.join(pick(['-', '-', '-', ' ']));
};
const phone = (): string => {
  const area = pick(US_AREAS);
  const exchange = int(200, 999);
  const line = pad(int(0, 9999), 4);
  return pick([
    `(${area}) ${exchange}-${line}`,
    `${area}-${exchange}-${line}`,
    `${area}.${exchange}.${line}`,
    `+1 ${area} ${exchange} ${line}`,
    `+1-${area}-${exchange}-${line}`,
    `+44 20 7${digits(3)} ${digits(4)}`,
    `+44 7${pick(['700', '400', '911'])} ${digits(6)}`,
    `+49 30 ${digits(8)}`,
    `+33 1 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
  ]);
};
const email = (): string => {
  const f = pick(FIRST).toLowerCase();
  const l = pick(LAST).toLowerCase();
  return (
    pick([`${f}.${l}`, `${f[0]}${l}`, `${f}_${l}${int(1, 99)}`, `${f}+billing`, `${l}.${f}`]) +
    `@${pick(DOMAINS)}`
  );
};
const ipv4 = (): string =>
  pick([
    `${int(11, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
    `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
    `192.168.${int(0, 255)}.${int(1, 254)}`,
  ]);
const hex = (n: number): string =>
  Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
const ipv6 = (): string =>
  pick([
    `2001:db8:${hex(4)}:${hex(4)}::${hex(3)}`,
    `fe80::${hex(4)}:${hex(4)}:${hex(4)}:${hex(4)}`,
    Array.from({ length: 8 }, () => hex(4)).join(':'),
    `2001:db8::${int(1, 99)}`,
  ]);
const person = (): string =>
  pick([
    `${pick(FIRST)} ${pick(LAST)}`,
    `${pick(FIRST)} ${pick(LAST)}`,
    `${pick(FIRST)} ${pick(FIRST)[0]}. ${pick(LAST)}`,
  ]);
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const date = (): string =>
  pick([
    `2024-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}`,
    `2023-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}T${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:00Z`,
    `${pick(MONTHS)} ${int(1, 28)}, 20${int(19, 25)}`,
    `${pad(int(1, 12), 2)}/${pad(int(1, 28), 2)}/2024`,
    `${int(1, 28)} ${pick(MONTHS).slice(0, 3)} 2024`,
  ]);

const NEGATIVES: readonly (() => string)[] = [
  () => {
    const n = cardNumber();
    const bad = String((Number(n[n.length - 1]) + int(1, 9)) % 10);
    return `reference ${formatCard(n.slice(0, -1) + bad)}`; // fails Luhn
  },
  () => `order #${digits(8)}`,
  () => `order ${pick(['A', 'B', 'Z'])}-${digits(4)}-${digits(6)}`,
  () => `invoice INV-2024-${digits(5)}`,
  () => `tracking number 1Z${letters(3)}${digits(13)}`,
  () => `version ${int(1, 12)}.${int(0, 9)}.${int(0, 20)}.${int(0, 99)}`,
  () => `v${int(1, 5)}.${int(0, 20)}.${int(0, 30)}`,
  () => `build ${int(1, 9)}.${int(0, 9)}.${int(1000, 9999)}`,
  () => `the ${pick(PRODUCTS)}`,
  () => `${pick(PRODUCTS)} units`,
  () => `SKU ${letters(3)}-${digits(5)}`,
  () => `MAC ${Array.from({ length: 6 }, () => hex(2).toUpperCase()).join(':')}`,
  () => `sha ${hex(40)}`,
  () => `epoch ${int(1_600_000_000, 1_800_000_000)}`,
  () => `$${int(1, 999)},${digits(3)}.${digits(2)}`,
  () => `${pick(['000', '666', `9${digits(2)}`])}-${digits(2)}-${digits(4)}`, // invalid SSN areas
  () => `${pad(int(1, 665), 3)}-00-${digits(4)}`, // group 00
  () => `user@localhost`,
  () => `@${pick(FIRST).toLowerCase()}`,
  () => `ticket ${digits(10)}`,
];

type Slot = readonly [entity: string, make: () => string];
const SLOTS: Readonly<Record<string, Slot>> = {
  email: ['EMAIL_ADDRESS', email],
  phone: ['PHONE_NUMBER', phone],
  card: ['CREDIT_CARD', () => formatCard(cardNumber())],
  iban: ['IBAN_CODE', iban],
  ssn: ['US_SSN', ssn],
  ip4: ['IP_ADDRESS', ipv4],
  ip6: ['IP_ADDRESS', ipv6],
  person: ['PERSON', person],
  city: ['LOCATION', () => pick(CITIES)],
  org: ['ORGANIZATION', () => pick(ORGS)],
  date: ['DATE_TIME', date],
  neg: ['', () => pick(NEGATIVES)()],
};

const TEMPLATES = [
  'Please contact {person} at {email} or {phone} about {neg}.',
  'Customer {person} paid with card {card} on {date}; see {neg}.',
  'Refund to IBAN {iban} for {person}, {neg}.',
  'SSN on file: {ssn}. Applicant {person} lives in {city}.',
  'Login from {ip4} at {date} by {email}, {neg}.',
  'Traffic from {ip6} was blocked; {neg}.',
  'Hi {person}, your {neg} ships to {city} today.',
  '{person} from {org} called {phone} regarding {neg}.',
  'Wire transfer to {iban} requested by {person} of {org}.',
  'The model reviewed {neg} and {neg} for {person}.',
  'Card ending {neg} declined; retry with {card}.',
  'Server {ip4} and {ip6} report {neg}.',
  'Dear {person}, we received your message of {date}.',
  'Escalated to {person} ({email}) at {org} in {city}.',
  'Social security number {ssn} does not match {neg}.',
  'Call me on {phone}, not {neg}.',
  'Contact: {email}; backup contact: {email}.',
  'Approved by {person} on {date} after checking {neg}.',
  'Meeting with {person} and {person} in {city} on {date}.',
  'Benchmark of {neg} against {neg} finished.',
  'Verify SSN {ssn} for {person} before {date}.',
  'Tax form lists {ssn} and {neg} for {person}.',
];

const lines: string[] = [];
for (let id = 0; id < RECORDS; id++) {
  const template = pick(TEMPLATES);
  let text = '';
  const spans: { entity: string; start: number; end: number }[] = [];
  for (const part of template.split(/(\{\w+\})/)) {
    const slot = /^\{(\w+)\}$/.exec(part)?.[1];
    const s = slot === undefined ? undefined : SLOTS[slot];
    if (s === undefined) {
      text += part;
      continue;
    }
    const value = s[1]();
    if (s[0] !== '')
      spans.push({ entity: s[0], start: text.length, end: text.length + value.length });
    text += value;
  }
  lines.push(JSON.stringify({ id, text, spans }));
}
writeFileSync(
  new URL('../fixtures/pii-eval/corpus.jsonl', import.meta.url),
  `${lines.join('\n')}\n`,
);
console.log(`wrote ${lines.length} texts`);
