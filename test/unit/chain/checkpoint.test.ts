import { describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  CheckpointFormatError,
  checkpointOrigin,
  DEFAULT_LOG_NAME,
  formatCheckpoint,
  parseCheckpoint,
} from '#core/chain/checkpoint.ts';

const root = new Uint8Array(
  Buffer.from('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328', 'hex'),
);
const rootB64 = 'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=';

describe('checkpointOrigin', () => {
  it.each([
    [DEFAULT_LOG_NAME, 'loan-app', 'audit-trail.local/loan-app'],
    ['example.com/log', 'team a/app#1', 'example.com/log/team%20a%2Fapp%231'],
  ])('names the log of %s / %s', (logName, chain, origin) => {
    expect(checkpointOrigin(logName, chain)).toBe(origin);
  });
});

describe('formatCheckpoint / parseCheckpoint', () => {
  it('writes origin, size and base64 root, one line each', () => {
    expect(formatCheckpoint({ origin: 'audit-trail.local/app', size: 8, root })).toBe(
      `audit-trail.local/app\n8\n${rootB64}\n`,
    );
  });

  it.each<[string, Checkpoint]>([
    ['without extensions', { origin: 'audit-trail.local/app', size: 0, root }],
    ['with extensions', { origin: 'o', size: 123456789, root, extensions: ['ext one', 'two'] }],
    ['at the largest safe size', { origin: 'o', size: Number.MAX_SAFE_INTEGER, root }],
  ])('round-trips a checkpoint %s', (_name, checkpoint) => {
    // Act
    const parsed = parseCheckpoint(formatCheckpoint(checkpoint));

    // Assess
    expect({ ...parsed, root: [...parsed.root] }).toEqual({ ...checkpoint, root: [...root] });
  });

  it.each([
    ['no final newline', `o\n8\n${rootB64}`],
    ['a missing root line', 'o\n8\n'],
    ['an empty origin', `\n8\n${rootB64}\n`],
    ['a leading zero in the size', `o\n08\n${rootB64}\n`],
    ['a negative size', `o\n-1\n${rootB64}\n`],
    ['a size in hex', `o\n0x8\n${rootB64}\n`],
    ['a size beyond 2^53', `o\n9007199254740993\n${rootB64}\n`],
    ['a root of 31 bytes', `o\n8\n${Buffer.alloc(31).toString('base64')}\n`],
    ['a root in unpadded base64', `o\n8\n${rootB64.slice(0, -1)}\n`],
    ['a root in URL-safe base64', 'o\n8\n_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-8=\n'],
    ['a root with junk', `o\n8\n${rootB64} \n`],
    ['an empty extension line', `o\n8\n${rootB64}\n\n`],
  ])('refuses a checkpoint with %s', (_name, text) => {
    expect(() => parseCheckpoint(text)).toThrow(CheckpointFormatError);
  });

  it.each<[string, Checkpoint]>([
    ['a newline in the origin', { origin: 'a\nb', size: 1, root }],
    ['an empty origin', { origin: '', size: 1, root }],
    ['a fractional size', { origin: 'o', size: 1.5, root }],
    ['a short root', { origin: 'o', size: 1, root: root.subarray(1) }],
    ['an empty extension', { origin: 'o', size: 1, root, extensions: [''] }],
  ])('refuses to write a checkpoint with %s', (_name, checkpoint) => {
    expect(() => formatCheckpoint(checkpoint)).toThrow(CheckpointFormatError);
  });
});
