import type { z } from 'zod';
import { formatPath, type Problem, typeOf } from '#core/events/problem.ts';

type Issue = z.core.$ZodIssue;

/** How `expected` names zod's string formats. */
const FORMATS: Readonly<Record<string, string>> = { datetime: 'ISO 8601 date-time' };

/**
 * Turns zod issues into Problems: one per offending field, with its path, a message and
 * the expected and received types. `input` is the value that was parsed, read to say what
 * was received; `prefix` re-roots paths (e.g. `['events', 3]`).
 */
export function problemsFromIssues(
  issues: readonly Issue[],
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): Problem[] {
  return issues.flatMap((issue) => problemsOf(issue, input, prefix));
}

function problemsOf(issue: Issue, root: unknown, base: readonly PropertyKey[]): Problem[] {
  const at = [...base, ...issue.path];
  const value = valueAt(root, issue.path);
  const path = formatPath(at);
  switch (issue.code) {
    case 'invalid_union':
      return unionProblems(issue.errors, value, at);
    case 'invalid_type': {
      const received = typeOf(value);
      return [
        {
          path,
          message:
            received === 'missing' ? 'is required' : `expected ${issue.expected}, got ${received}`,
          expected: issue.expected,
          received,
        },
      ];
    }
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? 'at most' : 'at least';
      const limit = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
      const expected = `${bound} ${limit} ${unitOf(issue.origin, limit)}`.trimEnd();
      const empty = issue.code === 'too_small' && limit === 1 && unitOf(issue.origin, 1) !== '';
      const message = empty ? 'must not be empty' : `must be ${expected}`;
      return [{ path, message, expected, received: sizeOf(value) }];
    }
    case 'invalid_format': {
      const expected =
        issue.format === 'regex'
          ? `string matching ${issue.pattern}`
          : (FORMATS[issue.format] ?? issue.format);
      return [{ path, message: issue.message, expected, received: typeOf(value) }];
    }
    default:
      return [{ path, message: issue.message, received: typeOf(value) }];
  }
}

/**
 * A value matched no branch of a union. When it has the wrong type for every branch, say
 * which types would do (`string | object`); otherwise report the branch it came closest
 * to: one whose type matched, with the fewest problems.
 */
function unionProblems(
  branches: readonly (readonly Issue[])[],
  value: unknown,
  at: readonly PropertyKey[],
): Problem[] {
  const typeMismatch = (issues: readonly Issue[]): boolean =>
    issues.some((issue) => issue.code === 'invalid_type' && issue.path.length === 0);
  const near = branches.filter((issues) => !typeMismatch(issues));
  if (near.length === 0) {
    const expected = branches
      .flatMap((issues) => issues.flatMap((i) => (i.code === 'invalid_type' ? [i.expected] : [])))
      .filter((type, index, all) => all.indexOf(type) === index)
      .join(' | ');
    const received = typeOf(value);
    return [
      {
        path: formatPath(at),
        message: received === 'missing' ? 'is required' : `expected ${expected}, got ${received}`,
        expected,
        received,
      },
    ];
  }
  const closest = near.reduce((best, issues) => (issues.length < best.length ? issues : best));
  return problemsFromIssues(closest, value, at);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function unitOf(origin: string, count: number): string {
  const plural = count === 1 ? '' : 's';
  if (origin === 'string') return `character${plural}`;
  if (origin === 'array' || origin === 'set') return `item${plural}`;
  return '';
}

function sizeOf(value: unknown): string {
  if (typeof value === 'string') return `${value.length} ${unitOf('string', value.length)}`;
  if (Array.isArray(value)) return `${value.length} ${unitOf('array', value.length)}`;
  return typeof value === 'number' ? String(value) : typeOf(value);
}
