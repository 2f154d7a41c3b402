import { describe, expect, it } from 'vitest';
import {
  InvalidConfigError,
  lanePlanFromEnv,
  nonNegativeInt,
  positiveInt,
} from '#handlers/wiring/config.ts';

describe('numeric environment values', () => {
  it.each(['abc', '-1', '1.5', '12s', 'NaN', '1e3', '0x10'])(
    'refuses API_KEY_CACHE_SECONDS=%j at cold start',
    (text) => {
      expect(() =>
        nonNegativeInt({ API_KEY_CACHE_SECONDS: text }, 'API_KEY_CACHE_SECONDS', 300),
      ).toThrow(new InvalidConfigError('API_KEY_CACHE_SECONDS', 'a whole number ≥ 0'));
    },
  );

  it('takes a whole number, and the default when the variable is absent or empty', () => {
    expect(nonNegativeInt({ API_KEY_CACHE_SECONDS: '0' }, 'API_KEY_CACHE_SECONDS', 300)).toBe(0);
    expect(nonNegativeInt({ API_KEY_CACHE_SECONDS: '60' }, 'API_KEY_CACHE_SECONDS', 300)).toBe(60);
    expect(nonNegativeInt({}, 'API_KEY_CACHE_SECONDS', 300)).toBe(300);
    expect(nonNegativeInt({ API_KEY_CACHE_SECONDS: '' }, 'API_KEY_CACHE_SECONDS', 300)).toBe(300);
  });

  it('refuses a retention that is not a positive integer', () => {
    expect(() => positiveInt({ ARCHIVE_RETENTION_DAYS: '0' }, 'ARCHIVE_RETENTION_DAYS')).toThrow(
      InvalidConfigError,
    );
    expect(positiveInt({ ARCHIVE_RETENTION_DAYS: '30' }, 'ARCHIVE_RETENTION_DAYS')).toBe(30);
  });
});

describe('LANES_PER_CHAIN', () => {
  it('is the lane plan of the config value, none when absent', () => {
    expect(lanePlanFromEnv({})).toEqual([]);
    expect(lanePlanFromEnv({ LANES_PER_CHAIN: '1' })).toEqual([]);
    expect(lanePlanFromEnv({ LANES_PER_CHAIN: '{"hot":4}' })).toEqual([
      { prefix: 'hot', lanes: 4 },
    ]);
  });

  it.each(['0', '{"hot":65}', '{hot', '"4"'])('fails the cold start on %j', (text) => {
    expect(() => lanePlanFromEnv({ LANES_PER_CHAIN: text })).toThrow(InvalidConfigError);
  });
});
