/**
 * A problem with a request, as data: one per offending field, so one 400 body can list them
 * all. `path` uses the dotted/bracketed form clients see in their own code
 * (`output.decision`, `events[3].event_id`); the empty string means the whole body.
 */
export interface Problem {
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly received?: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Formats path segments as `input.messages[0].content`; odd keys as `inputs["a b"]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment))
      path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}

/** Joins a prefix path (`events[3]`) and a path relative to it (`output.decision`). */
export function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '' || path.startsWith('[')) return `${prefix}${path}`;
  return `${prefix}.${path}`;
}

/** Re-roots problems found in a part of a request, e.g. one item of a batch. */
export function prefixProblems(prefix: string, problems: readonly Problem[]): Problem[] {
  return problems.map((problem) => ({ ...problem, path: joinPath(prefix, problem.path) }));
}

/** The JSON type name of a value, as `received` reports it; `missing` for undefined. */
export function typeOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
