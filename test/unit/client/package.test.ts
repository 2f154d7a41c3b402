import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = join(import.meta.dirname, '..', '..', '..', 'packages', 'client');

interface PackEntry {
  readonly files: readonly { readonly path: string }[];
}

describe('the client package as published', () => {
  it('packs built JavaScript and declarations for every entry point, and no sources', async () => {
    // `npm pack` runs prepack (the build), as publishing does.
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], {
      cwd: packageDir,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [entry] = JSON.parse(stdout.slice(stdout.indexOf('['))) as PackEntry[];
    const files = (entry?.files ?? []).map((f) => f.path).sort();
    for (const name of ['index', 'openai', 'langchain']) {
      expect(files).toContain(`dist/${name}.js`);
      expect(files).toContain(`dist/${name}.d.ts`);
    }
    expect(files.filter((f) => f.startsWith('src/') || /(?<!\.d)\.ts$/.test(f))).toEqual([]);
  });

  it('runs from dist/ in plain Node, without the workspace source condition', async () => {
    const script = [
      "const { AuditTrailClient } = await import('@ai-audit-trail/client');",
      "const client = new AuditTrailClient({ endpoint: 'http://127.0.0.1:9', apiKey: 'k' });",
      "const id = client.logEvent({ application_id: 'a', output: { content: 'x' } });",
      "const resolved = import.meta.resolve('@ai-audit-trail/client');",
      'console.log(JSON.stringify({ id, resolved, queued: client.stats().queued }));',
      'await client.close(1);',
    ].join('\n');
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '--no-experimental-strip-types', '-e', script],
      { cwd: packageDir },
    );
    const answer = JSON.parse(stdout) as { id: string; resolved: string; queued: number };
    expect(answer.resolved).toMatch(/\/packages\/client\/dist\/index\.js$/);
    expect(answer.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(answer.queued).toBe(1);
  });
});
