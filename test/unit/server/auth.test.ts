import { describe, expect, it } from 'vitest';
import { createKeyCheck } from '#adapters/local/http/auth.ts';
import { presentedKey } from '#core/events/api-key.ts';

describe('presentedKey', () => {
  it.each([
    [{ 'x-api-key': 'k1' }, 'k1'],
    [{ authorization: 'Bearer k2' }, 'k2'],
    [{ authorization: 'bearer   k3 ' }, 'k3'],
    [{ 'x-api-key': 'k1', authorization: 'Bearer k2' }, 'k1'],
    [{ authorization: 'Basic k4' }, undefined],
    [{ authorization: 'Bearer a b' }, undefined],
    [{ 'x-api-key': '' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(presentedKey(headers)).toBe(expected);
  });
});

describe('createKeyCheck', () => {
  const check = createKeyCheck('secret-key');

  it.each([
    [{ 'x-api-key': 'secret-key' }, true],
    [{ authorization: 'Bearer secret-key' }, true],
    [{ 'x-api-key': 'secret-ke' }, false],
    [{ 'x-api-key': 'secret-key ' }, false],
    [{ 'x-api-key': 'SECRET-KEY' }, false],
    [{}, false],
  ])('%j → %s', (headers, expected) => {
    expect(check(headers)).toBe(expected);
  });

  it('refuses an empty configured key', () => {
    expect(() => createKeyCheck('')).toThrow(/must not be empty/);
  });
});
