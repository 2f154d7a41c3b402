/**
 * The layering rules, read off the source: the core imports no AWS and nothing outside
 * core and ports; adapters import no handler; lib imports no adapter; and an interface
 * with methods (a port) used by another layer than its own is declared in lambdas/ports/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#lib/paths.ts';

const LAYERS = {
  core: 'lambdas/core',
  ports: 'lambdas/ports',
  adapters: 'lambdas/adapters',
  handlers: 'lambdas/handlers',
  lib: 'lib',
  bin: 'bin',
} as const;
type Layer = keyof typeof LAYERS;

const filesUnder = (dir: string): string[] =>
  readdirSync(join(projectRoot, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(projectRoot, join(e.parentPath, e.name)));

const sources = Object.entries(LAYERS).flatMap(([layer, dir]) =>
  filesUnder(dir).map((file) => ({
    layer: layer as Layer,
    file,
    text: readFileSync(join(projectRoot, file), 'utf8'),
  })),
);

/** Module specifiers a file imports (static and dynamic). */
const importsOf = (text: string): string[] =>
  [...text.matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1] ?? '');

const offending = (layer: Layer, forbidden: RegExp): string[] =>
  sources
    .filter((s) => s.layer === layer)
    .flatMap((s) =>
      importsOf(s.text)
        .filter((spec) => forbidden.test(spec))
        .map((spec) => `${s.file}: ${spec}`),
    );

describe('layers', () => {
  it('keeps the core pure: no AWS, no adapter, handler or lib import', () => {
    expect(
      offending('core', /^(@aws-sdk|aws-cdk-lib|aws-lambda|#adapters|#handlers|#lib)/),
    ).toEqual([]);
    expect(offending('ports', /^(@aws-sdk|aws-cdk-lib|#adapters|#handlers|#lib)/)).toEqual([]);
  });

  it('has no adapter import a handler, and lib import no adapter', () => {
    expect(offending('adapters', /^#handlers/)).toEqual([]);
    expect(offending('lib', /^#adapters/)).toEqual([]);
  });

  it('declares every port used across layers in lambdas/ports/', () => {
    const misplaced: string[] = [];
    for (const source of sources.filter((s) => s.layer !== 'ports')) {
      // Interfaces with at least one method: ports, as opposed to plain data shapes.
      for (const m of source.text.matchAll(/^export interface (\w+)[^{]*\{([\s\S]*?)^\}/gm)) {
        const [, name = '', members = ''] = m;
        if (!/^\s+\w+\??(<[^>]*>)?\(/m.test(members)) continue;
        // bin/ is the entry point: it may hold what a composition hands back (DevRuntime).
        const users = sources.filter(
          (other) =>
            other.layer !== source.layer &&
            other.layer !== 'bin' &&
            new RegExp(`import[^;]*\\b${name}\\b[^;]*from`).test(other.text),
        );
        if (users.length > 0) {
          misplaced.push(`${name} (${source.file}) used by ${users.map((u) => u.file).join(', ')}`);
        }
      }
    }
    expect(misplaced).toEqual([]);
  });
});
