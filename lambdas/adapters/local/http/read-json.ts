import type { IncomingMessage } from 'node:http';
import { parseJsonBody } from '#core/events/limits.ts';
import type { Problem } from '#core/events/problem.ts';
import { requireJsonContent } from './content-type.ts';
import { HttpError } from './errors.ts';
import { readBody } from './read-body.ts';

/** 400 with every problem found, in one body. */
export const invalidRequest = (problems: readonly Problem[]): HttpError =>
  new HttpError(400, 'invalid_request', 'the request has problems; see problems', problems);

/**
 * Reads a request's JSON body the way API Gateway guards its models: JSON content type
 * (415), at most `limit` bytes (413, from readBody, which stops reading there), valid JSON
 * of bounded depth (400).
 */
export const readJson = async (req: IncomingMessage, limit: number): Promise<unknown> => {
  requireJsonContent(req.headers);
  const parsed = parseJsonBody(await readBody(req, limit), limit);
  if (parsed.ok) return parsed.value;
  throw invalidRequest(parsed.problems);
};
