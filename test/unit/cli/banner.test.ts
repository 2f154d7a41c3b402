import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BANNER_SAMPLE_ID } from '../../../bin/commands/dev.ts';

const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

describe('the startup banner sample command', () => {
  it('uses an id that neither the README tour nor the seeds it posts use', () => {
    const seeds = readdirSync(new URL('test/fixtures/seeds/', root)).filter((f) =>
      f.endsWith('.json'),
    );
    expect(seeds.length).toBeGreaterThan(0);
    for (const text of [read('README.md'), ...seeds.map((f) => read(`test/fixtures/seeds/${f}`))])
      expect(text).not.toContain(BANNER_SAMPLE_ID);
    expect(read('bin/commands/dev.ts')).not.toContain('dec_abc123');
  });
});
