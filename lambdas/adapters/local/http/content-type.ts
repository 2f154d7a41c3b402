import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './errors.ts';

// application/json or a structured +json type, optionally with parameters.
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
const CHARSET = /(?:^|;)\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** Refuses (415) a request whose Content-Type is not JSON in UTF-8. */
export const requireJsonContent = (headers: IncomingHttpHeaders): void => {
  const header = headers['content-type'] ?? '';
  const [type = '', ...params] = header.split(';');
  const charset = CHARSET.exec(params.join(';'))?.[1]?.toLowerCase();
  const isJson = JSON_TYPE.test(type.trim());
  if (!isJson || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'send the body as JSON with Content-Type: application/json',
      [
        {
          path: '',
          message: 'Content-Type must be application/json (UTF-8)',
          expected: 'application/json',
          received: header === '' ? 'missing' : header,
        },
      ],
    );
  }
};
