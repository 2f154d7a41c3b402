import { describe, expect, it } from 'vitest';
import { LineSplitter } from '#core/verify/line-splitter.ts';

const split = (chunks: readonly string[], maxLine?: number): string[] => {
  const out: string[] = [];
  const splitter = new LineSplitter(
    {
      line: (buf, start, end) => out.push(buf.toString('utf8', start, end)),
      oversize: () => out.push('<oversize>'),
    },
    maxLine,
  );
  for (const chunk of chunks) splitter.push(Buffer.from(chunk));
  splitter.end();
  return out;
};

describe('LineSplitter', () => {
  it.each([
    { name: 'lines within one chunk', chunks: ['a\nbb\n'], lines: ['a', 'bb'] },
    { name: 'a line across chunks', chunks: ['a\nb', 'b', 'b\nc\n'], lines: ['a', 'bbb', 'c'] },
    { name: 'a last line without newline', chunks: ['a\nb'], lines: ['a', 'b'] },
    { name: 'CRLF line ends', chunks: ['a\r\nb\r\n'], lines: ['a', 'b'] },
    { name: 'an empty line', chunks: ['a\n\nb\n'], lines: ['a', '', 'b'] },
    {
      name: 'a newline as the first byte of a chunk',
      chunks: ['ab', '\ncd\n'],
      lines: ['ab', 'cd'],
    },
    {
      name: 'multi-byte characters split across chunks',
      chunks: ['é'.slice(0, 1), 'ü\n'],
      lines: ['éü'],
    },
  ])('splits $name', ({ chunks, lines }) => {
    // Act
    const out = split(chunks);

    // Assess
    expect(out).toEqual(lines);
  });

  it.each([
    { name: 'within a chunk', chunks: ['a\n0123456789\nb\n'], lines: ['a', '<oversize>', 'b'] },
    {
      name: 'across chunks',
      chunks: ['a\n01234', '56789', '0123\nb\n'],
      lines: ['a', '<oversize>', 'b'],
    },
  ])('skips a line over the limit $name', ({ chunks, lines }) => {
    // Act
    const out = split(chunks, 8);

    // Assess
    expect(out).toEqual(lines);
  });

  it('splits a multi-byte character cut between two chunks', () => {
    // Prepare
    const bytes = Buffer.from('ab€\n');
    const out: string[] = [];
    const splitter = new LineSplitter({
      line: (buf, start, end) => out.push(buf.toString('utf8', start, end)),
      oversize: () => undefined,
    });

    // Act
    splitter.push(bytes.subarray(0, 3));
    splitter.push(bytes.subarray(3));
    splitter.end();

    // Assess
    expect(out).toEqual(['ab€']);
  });
});
