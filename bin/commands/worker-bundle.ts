/**
 * A worker thread's entry as one plain JavaScript file. Loading a worker from its TypeScript
 * sources strips types and resolves some forty modules per thread, and that start-up was the
 * serial cost of a parallel verify. The bundle is built with esbuild (a development
 * dependency) into `node_modules/.cache/audit-trail/` once and reused while every source file
 * it was built from is unchanged (size and mtime, as make does); it is written to a temporary
 * name and renamed, so concurrent verifies never load half a file. Modules the entry imports
 * dynamically from `#adapters/aws/` (the AWS SDK) stay outside the bundle and load only when
 * used. Without esbuild, or on any error, the TypeScript entry is used as before.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Stamp {
  readonly inputs: readonly {
    readonly path: string;
    readonly size: number;
    readonly mtimeMs: number;
  }[];
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = join(root, 'node_modules', '.cache', 'audit-trail');

const fresh = async (stampFile: string): Promise<boolean> => {
  try {
    const stamp = JSON.parse(await readFile(stampFile, 'utf8')) as Stamp;
    const same = await Promise.all(
      stamp.inputs.map(async (input) => {
        const s = await stat(join(root, input.path));
        return s.size === input.size && s.mtimeMs === input.mtimeMs;
      }),
    );
    return same.length > 0 && same.every(Boolean);
  } catch {
    return false;
  }
};

const build = async (entry: string, outFile: string, stampFile: string): Promise<void> => {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
    plugins: [
      {
        name: 'lazy-aws',
        setup: (b) => {
          b.onResolve({ filter: /^#adapters\/aws\// }, (args) => ({
            path: import.meta.resolve(args.path),
            external: true,
          }));
        },
      },
    ],
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild wrote no output');
  // package.json too: its `imports` map decides how the sources resolved.
  const inputs = await Promise.all(
    [...Object.keys(result.metafile.inputs), 'package.json'].map(async (path) => {
      const s = await stat(join(root, path));
      return { path, size: s.size, mtimeMs: s.mtimeMs };
    }),
  );
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${outFile}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, code);
  await rename(tmp, outFile);
  const stampTmp = `${stampFile}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(stampTmp, JSON.stringify({ inputs } satisfies Stamp));
  await rename(stampTmp, stampFile);
};

/** The URL a Worker should load for the TypeScript module `entry`: its cached bundle, built
 * if missing or stale, or `entry` itself when no bundle can be had. */
export const workerEntry = async (entry: URL): Promise<URL> => {
  try {
    const path = fileURLToPath(entry);
    const name = createHash('sha256').update(path).digest('hex').slice(0, 16);
    const outFile = join(cacheDir, `worker-${name}.mjs`);
    const stampFile = join(cacheDir, `worker-${name}.json`);
    // The stamp is written after the bundle: a fresh stamp means the bundle beside it is
    // complete and built from the sources it lists.
    if (!(await fresh(stampFile))) await build(path, outFile, stampFile);
    return pathToFileURL(outFile);
  } catch {
    return entry;
  }
};
