/**
 * docs/API.md is checked against the contract: its route table lists exactly the routes of
 * core/api/routes.ts with the status the contract cases get, its error table exactly the
 * codes of core/api/answer.ts with their statuses, and every case names a documented row.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '#core/api/answer.ts';
import { API_ROUTES } from '#core/api/routes.ts';
import { projectRoot } from '#lib/paths.ts';
import { CONTRACT_CASES } from './cases.ts';

const doc = readFileSync(`${projectRoot}/docs/API.md`, 'utf8');

/** The rows of the first table under a `## heading`, as cells. */
const table = (heading: string): string[][] => {
  const section = doc.split(/^## /m).find((s) => s.startsWith(`${heading}\n`)) ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
};

const routeRows = table('Routes').map(([route = '', , answer = '']) => ({
  route: route.replace(/`/g, '').replace(/\s*\(.*\)$/, ''),
  localOnly: route.includes('(local only)'),
  status: Number(/^`?(\d{3})/.exec(answer)?.[1]),
}));
const errorRows = table('Errors').map(([status = '', , body = '']) => ({
  status: Number(status),
  codes: [...body.matchAll(/error:"(\w+)"/g)].map((m) => m[1]),
}));

describe('docs/API.md', () => {
  it('lists exactly the contract routes, marking the local-only ones', () => {
    expect(routeRows.map((r) => r.route).sort()).toEqual(
      API_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const route of API_ROUTES) {
      const row = routeRows.find((r) => r.route === `${route.method} ${route.path}`);
      expect(row?.localOnly, route.path).toBe(route.runtimes === 'local');
    }
  });

  it('gives each route the status its contract cases get', () => {
    for (const row of routeRows.filter((r) => !r.localOnly)) {
      const cases = CONTRACT_CASES.filter((c) => c.doc === row.route);
      expect(cases.length, `no contract case for ${row.route}`).toBeGreaterThan(0);
      for (const c of cases) expect(c.status, c.name).toBe(row.status);
    }
  });

  it('lists every error code with its status, and no other', () => {
    const documented = errorRows.flatMap((r) => r.codes.map((code) => `${r.status} ${code}`));
    const contract = Object.entries(API_ERRORS).map(([code, e]) => `${e.status} ${code}`);
    expect(documented.sort()).toEqual(contract.sort());
  });

  it('documents the status and error code of every refusal case', () => {
    for (const c of CONTRACT_CASES.filter((k) => k.status >= 400)) {
      const row = errorRows.find((r) => r.status === c.status);
      expect(row, `${c.name}: ${c.status} is not in the error table`).toBeDefined();
      expect(c.doc, c.name).toBe(String(c.status));
      expect(c.error, c.name).toBeDefined();
      expect(row?.codes, c.name).toContain(c.error);
    }
  });
});
