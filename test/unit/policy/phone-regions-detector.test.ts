/**
 * Recall and precision of the phone detector as a table, counted (never timed): for every
 * default region, libphonenumber's own example numbers (fixed line and mobile, from Google's
 * metadata, a different package from the one the detector uses) written in national,
 * international and E.164 form, and with random digits in the national form's shape (as a
 * fake-data generator writes them, unassigned ranges included), each in a neutral sentence
 * with and without a phone word; then strings that are not phones (dates, document and
 * order numbers, ISBNs, amounts, times, versions, postcodes with house numbers, national ids).
 * The floors are what the detector finds today: a change that loses a number fails here.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PHONE_REGIONS } from '#core/policy/detectors/phone.ts';
import { runDetector } from './run-detector.ts';

interface GoogleNumber {
  readonly _brand?: 'number';
}
interface GoogleUtil {
  getExampleNumberForType(region: string, type: number): GoogleNumber | null;
  format(n: GoogleNumber, format: number): string;
}
const google = createRequire(import.meta.url)('google-libphonenumber') as {
  PhoneNumberUtil: { getInstance(): GoogleUtil };
  PhoneNumberFormat: { E164: number; INTERNATIONAL: number; NATIONAL: number };
  PhoneNumberType: { FIXED_LINE: number; MOBILE: number };
};
const util = google.PhoneNumberUtil.getInstance();
const { E164, INTERNATIONAL, NATIONAL } = google.PhoneNumberFormat;

// A fixed linear congruential sequence: the same "random" digits on every run.
let state = 12345;
const nextDigit = (): string => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return String(Math.floor((state / 2147483648) * 10));
};
/** The national form with every digit after the first two replaced by a random one. */
const randomised = (national: string): string => {
  let seen = 0;
  return national.replace(/\d/g, (d) => (++seen <= 2 ? d : nextDigit()));
};

const FORMS = ['national', 'international', 'e164', 'random'] as const;
const SENTENCES = {
  plain: (n: string) => `Please get back to me at ${n} when you can.`,
  word: (n: string) => `Phone: ${n}`,
} as const;
type Cell = `${'fixed' | 'mobile'} ${(typeof FORMS)[number]} ${keyof typeof SENTENCES}`;

const counts = new Map<Cell, { found: number; of: number; missed: string[] }>();
for (const region of DEFAULT_PHONE_REGIONS) {
  for (const [type, code] of [
    ['fixed', google.PhoneNumberType.FIXED_LINE],
    ['mobile', google.PhoneNumberType.MOBILE],
  ] as const) {
    const n = util.getExampleNumberForType(region, code);
    if (n === null) continue;
    const national = util.format(n, NATIONAL);
    const written = {
      national,
      international: util.format(n, INTERNATIONAL),
      e164: util.format(n, E164),
      random: randomised(national),
    };
    for (const form of FORMS)
      for (const [context, sentence] of Object.entries(SENTENCES)) {
        const value = written[form];
        const found = runDetector('phone', sentence(value)).includes(`PHONE_NUMBER:${value}`);
        const cell = `${type} ${form} ${context}` as Cell;
        const c = counts.get(cell) ?? { found: 0, of: 0, missed: [] };
        c.of++;
        if (found) c.found++;
        else c.missed.push(`${region} ${value}`);
        counts.set(cell, c);
      }
  }
}

// Found per cell today, of the 50 regions (main at 20d7b3f finds the same: this table guards).
// National numbers without a trunk prefix and without a phone word (Spain, Poland, Brazil,
// Singapore …) are left alone by design: nine bare digits are as often an order or account
// number. After a phone word every one is found, random digits included.
const FLOORS: Readonly<Record<Cell, number>> = {
  'fixed national plain': 39,
  'fixed national word': 50,
  'fixed international plain': 50,
  'fixed international word': 50,
  'fixed e164 plain': 50,
  'fixed e164 word': 50,
  'fixed random plain': 38,
  'fixed random word': 50,
  'mobile national plain': 36,
  'mobile national word': 50,
  'mobile international plain': 50,
  'mobile international word': 50,
  'mobile e164 plain': 50,
  'mobile e164 word': 50,
  'mobile random plain': 38,
  'mobile random word': 50,
};

describe('phone: recall over every default region (libphonenumber examples)', () => {
  it('has fixed-line and mobile examples of all fifty regions', () => {
    expect(counts.get('fixed national plain')?.of).toBe(DEFAULT_PHONE_REGIONS.length);
    expect(counts.get('mobile national plain')?.of).toBe(DEFAULT_PHONE_REGIONS.length);
  });
  it('finds at least the floor of every cell', () => {
    const below = Object.entries(FLOORS).flatMap(([cell, floor]) => {
      const c = counts.get(cell as Cell);
      return c !== undefined && c.found >= floor
        ? []
        : [`${cell}: ${c?.found} < ${floor}, missed ${c?.missed.join(', ')}`];
    });
    expect(below).toEqual([]);
  });
});

describe('phone: North American layouts with random digits, extensions included', () => {
  // The layouts fake-data generators and people use; digits at random, so area and exchange
  // codes are often ones no plan assigns (`055-021-9320`).
  const LAYOUTS = [
    '###-###-####',
    '(###)###-####',
    '(###) ###-####',
    '###.###.####',
    '1-###-###-####',
    '+1-###-###-####',
    '+1 (###) ###-####',
    '001-###-###-####',
    '###-###-####x###',
    '(###)###-####x####',
    '###.###.####x#####',
    '+1-###-###-####x###',
    '001-###-###-####x####',
  ];
  it('finds every one of 20 per layout, with and without a phone word', () => {
    const missed: string[] = [];
    let total = 0;
    for (const layout of LAYOUTS)
      for (let i = 0; i < 20; i++) {
        const value = layout.replace(/#/g, nextDigit);
        const text = i % 2 === 0 ? `My number is ${value}.` : `Call ${value} after six.`;
        total++;
        if (!runDetector('phone', text).includes(`PHONE_NUMBER:${value}`)) missed.push(value);
      }
    expect(total).toBe(LAYOUTS.length * 20);
    expect(missed).toEqual([]);
  });
});

describe('phone: national and international layouts of other regions with random digits', () => {
  // Layouts people and fake-data generators write (the trunk 0 in brackets, area codes in
  // brackets, dots, slashes, no grouping), filled with random digits: ranges no plan assigns
  // and values that start with `00` included. After a phone word all are found.
  const LAYOUTS = [
    '+44(0)##########',
    '+44(0)#### ######',
    '0#### ######',
    '(0####) #####',
    '+49(0)#### ######',
    '+49 (0) #### #####',
    '0###/#######',
    '+33 (0)# ## ## ## ##',
    '0#.##.##.##.##',
    '+33 #########',
    '+39 ### ## ## ####',
    '+34 #########',
    '### ## ## ##',
    '+31(0)## #######',
    '0###-######',
    '+55 ## #### ####',
    '+91 #### ######',
    '(0#) #### ####',
    '0##-####-####',
    '+48 ## ### ## ##',
    '#########',
  ];
  it('finds every one of 10 per layout after a phone word', () => {
    const missed: string[] = [];
    for (const layout of LAYOUTS)
      for (let i = 0; i < 10; i++) {
        const value = layout.replace(/#/g, nextDigit);
        if (!runDetector('phone', `Phone: ${value}`).includes(`PHONE_NUMBER:${value}`))
          missed.push(value);
      }
    expect(missed).toEqual([]);
  });
});

describe('phone: precision on numbers that are not phones', () => {
  const NOT_PHONES = [
    // Dates and times.
    'Due 2026-01-15 10:30, or 15/01/2026, or 15.01.2026 at 09:45:12.',
    'Signed on 01/02/2026 and 2026/02/01.',
    // Document, order, invoice and reference numbers.
    'Invoice FV 0932/01/2026 was paid.',
    'Ref. 2024/0012/01 and PK-60988/09 are closed.',
    'Order #123456789 shipped; order no. 0012345678 is pending.',
    'Rechnung 0151234567 vom Januar.',
    'NIP 123-456-32-18, REGON 012345678, PESEL 02070803628.',
    'SIRET 732 829 320 00074 and tax id 12-3456789.',
    // ISBNs, amounts, versions, coordinates.
    'ISBN 978-3-16-148410-0 and ISBN 0-306-40615-2.',
    'Total 1 234 567,89 EUR and $1,234,567.89 and 12 345 678 PLN.',
    'Upgrade to 10.0.19045.2965 or v1.22.3.',
    'At 48.858844, 2.294351.',
    // Postcodes with house numbers and street addresses.
    'ul. Długa 12, 00-950 Warszawa; Musterstraße 12, 10115 Berlin.',
    '12 rue de Rivoli, 75001 Paris; 221B Baker Street, London NW1 6XE.',
    // Unix times and long counters.
    'Logged at 1700000000 after 20240115 steps.',
  ];
  it.each(NOT_PHONES)('none in %j', (text) => {
    expect(runDetector('phone', text)).toEqual([]);
  });
});
