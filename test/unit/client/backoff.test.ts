import { backoffDelay, retryAfterMs } from '@ai-audit-trail/client';
import { describe, expect, it } from 'vitest';

describe('client retry timing', () => {
  it('grows the jitter window exponentially up to the cap', () => {
    const top = () => 1; // the window's upper end
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 500 }, top))).toEqual([
      100, 200, 400, 500,
    ]);
    expect(backoffDelay(5, { baseMs: 100 }, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
