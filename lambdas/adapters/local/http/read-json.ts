import type { IncomingMessage } from 'node:http';
import { requireJsonContent } from '#core/api/content-type.ts';
import { parseJsonRequest } from '#core/api/request.ts';
import { readBody } from './read-body.ts';

/**
 * Reads a request's JSON body by the contract's rules (parseJsonRequest): the content type
 * is checked first (415) and reading stops at `limit` (413), so a refused body is never
 * buffered.
 */
export const readJson = async (req: IncomingMessage, limit: number): Promise<unknown> => {
  requireJsonContent(req.headers);
  return parseJsonRequest(req.headers, await readBody(req, limit), limit);
};
