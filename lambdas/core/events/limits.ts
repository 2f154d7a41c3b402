import { Buffer } from 'node:buffer';
import { jsonErrorOffset } from '#core/events/json-syntax.ts';
import type { Problem } from '#core/events/problem.ts';

/** Largest accepted event body, in bytes (1 MiB, as Kinesis accepts per record). */
export const MAX_EVENT_BYTES = 1_048_576;
/** Most events in one `{ events: [...] }` batch (as Kinesis PutRecords accepts). */
export const MAX_BATCH_EVENTS = 500;
/** Deepest nesting of arrays and objects accepted in a payload. */
export const MAX_DEPTH = 64;

/**
 * True when no array/object in `value` sits deeper than `max` levels (`{}` is 1 level).
 * Iterative, so a 100k-deep array cannot overflow the stack.
 */
export function checkDepth(value: unknown, max: number = MAX_DEPTH): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  for (let depth = depths.pop(); depth !== undefined; depth = depths.pop()) {
    const current = values.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= max) return false;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child !== 'object' || child === null) continue;
      values.push(child);
      depths.push(depth + 1);
    }
  }
  return true;
}

/** What `parseJsonBody` answers: the parsed value, or the HTTP status and why. */
export type ParsedBody =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: 400 | 413; readonly problems: Problem[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a request body as JSON within limits: the size is checked before parsing (413),
 * then syntax (400 naming the position) and nesting depth (400).
 */
export function parseJsonBody(bytes: Uint8Array | string, limit: number): ParsedBody {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.byteLength;
  if (size > limit) {
    return fail(413, {
      path: '',
      message: `body is ${size} bytes, over the limit of ${limit}`,
      expected: `at most ${limit} bytes`,
      received: `${size} bytes`,
    });
  }
  let text: string;
  try {
    // The decoder drops a leading byte order mark; do the same for strings.
    text = typeof bytes === 'string' ? bytes.replace(/^\uFEFF/, '') : utf8.decode(bytes);
  } catch {
    return fail(400, { path: '', message: 'body is not valid UTF-8', expected: 'UTF-8 JSON' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(400, syntaxProblem(text, error instanceof Error ? error.message : ''));
  }
  if (!checkDepth(value)) {
    return fail(400, {
      path: '',
      message: `body nests arrays/objects deeper than ${MAX_DEPTH} levels`,
      expected: `at most ${MAX_DEPTH} levels of nesting`,
    });
  }
  return { ok: true, value };
}

function fail(status: 400 | 413, problem: Problem): ParsedBody {
  return { ok: false, status, problems: [problem] };
}

/** Where V8 says the error is, when it says: scanning 1 MB of `[[[[…` ourselves takes
 * ~0.2 s, so the scanner only runs for the messages that name no position. */
function errorPosition(text: string, message: string): number {
  const named = /at position (\d+)/.exec(message)?.[1];
  if (named !== undefined) return Number(named);
  if (message.includes('end of JSON input')) return text.length;
  const found = jsonErrorOffset(text);
  return found === -1 ? text.length : found;
}

function syntaxProblem(text: string, message: string): Problem {
  const position = errorPosition(text, message);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  const at = text.codePointAt(position);
  const what = at === undefined ? 'end of input' : JSON.stringify(String.fromCodePoint(at));
  return {
    path: '',
    message: `body is not valid JSON: unexpected ${what} at position ${position} (line ${line}, column ${column})`,
    expected: 'JSON',
    received: `${what} at position ${position}`,
  };
}
