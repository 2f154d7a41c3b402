import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '#test/helpers/temp-dir.ts';
import { workerEntry } from '../../../bin/commands/worker-bundle.ts';

// A worker's TypeScript entry is loaded as one cached JavaScript bundle, rebuilt when any
// source it was built from changes, with `#adapters/aws/` imports left outside it.
let dir: string;
const built = new Set<string>();
beforeAll(async () => {
  dir = await tempDir('worker-bundle-');
});
afterAll(async () => {
  await removeDir(dir);
  for (const file of built) {
    await rm(file, { force: true });
    await rm(file.replace(/\.mjs$/, '.json'), { force: true });
  }
});

describe('worker bundle', () => {
  it('bundles the entry and its imports, and rebuilds when an import changes', async () => {
    const entry = join(dir, 'entry.ts');
    const dep = join(dir, 'dep.ts');
    await writeFile(dep, "export const word: string = 'first';\n");
    await writeFile(
      entry,
      "import { word } from './dep.ts';\nexport const said: string = word;\n" +
        "export const aws = () => import('#adapters/aws/s3-location.ts');\n",
    );

    const bundle = await workerEntry(pathToFileURL(entry));
    built.add(fileURLToPath(bundle));
    expect(bundle.href).toMatch(/node_modules\/\.cache\/audit-trail\/worker-[0-9a-f]{16}\.mjs$/);
    const code = await readFile(fileURLToPath(bundle), 'utf8');
    expect(code).toMatch(/["']first["']/);
    expect(code).not.toContain('@aws-sdk');
    expect(code).toContain(import.meta.resolve('#adapters/aws/s3-location.ts'));
    expect(((await import(`${bundle.href}?1`)) as { said: string }).said).toBe('first');

    // Unchanged sources: the same file is reused, not rewritten (a rebuild renames a new
    // file into place, so the inode would change).
    const inode = (await stat(fileURLToPath(bundle))).ino;
    const again = await workerEntry(pathToFileURL(entry));
    expect(again.href).toBe(bundle.href);
    expect((await stat(fileURLToPath(again))).ino).toBe(inode);

    await writeFile(dep, "export const word: string = 'second';\n");
    const later = new Date(Date.now() + 5000);
    await utimes(dep, later, later);
    const rebuilt = await workerEntry(pathToFileURL(entry));
    expect(((await import(`${rebuilt.href}?2`)) as { said: string }).said).toBe('second');
  });

  it('falls back to the TypeScript entry when it cannot be bundled', async () => {
    const missing = pathToFileURL(join(dir, 'missing.ts'));
    expect((await workerEntry(missing)).href).toBe(missing.href);
  });
});
