import { describe, expect, it } from 'vitest';
import { createConsoleLog } from '#adapters/local/console-log.ts';

const sink = () => {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line) };
};

describe('console log', () => {
  it('writes one JSON object per line with level, message, time and fields', () => {
    // Prepare
    const out = sink();
    const log = createConsoleLog({ stream: out });

    // Act
    log.info('batch processed', { count: 3, chain: 'app' });

    // Assess
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]?.endsWith('\n')).toBe(true);
    const entry = JSON.parse(out.lines[0] ?? '');
    expect(entry).toMatchObject({ level: 'info', message: 'batch processed', count: 3 });
    expect(entry.chain).toBe('app');
    expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
  });

  it('drops lines below the level and keeps fields from overriding the core keys', () => {
    // Prepare
    const out = sink();
    const log = createConsoleLog({ level: 'warn', stream: out });

    // Act
    log.info('hidden');
    log.warn('shown', { level: 'spoofed', message: 'spoofed' });
    log.error('failed', { error: new TypeError('boom') });

    // Assess
    const entries = out.lines.map((line) => JSON.parse(line));
    expect(entries.map((e) => [e.level, e.message])).toEqual([
      ['warn', 'shown'],
      ['error', 'failed'],
    ]);
    expect(entries[1].error).toMatchObject({ name: 'TypeError', message: 'boom' });
  });
});
