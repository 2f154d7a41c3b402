// Builds dist/ for publishing: JavaScript and declarations from src/ (tsc), with the `.ts`
// import specifiers that declarations keep from the sources rewritten to `.js`, so any
// TypeScript consumer resolves them. In this repository the workspace uses src/ directly
// (the `@ai-audit-trail/source` export condition).
import { spawnSync } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const dist = join(import.meta.dirname, '..', 'dist');
await rm(dist, { recursive: true, force: true });
const tsc = spawnSync('tsc', ['-p', join(import.meta.dirname, '..', 'tsconfig.build.json')], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
for (const name of await readdir(dist)) {
  if (!name.endsWith('.d.ts')) continue;
  const file = join(dist, name);
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/(from '\.{1,2}\/[\w./-]+)\.ts'/g, "$1.js'"));
}
