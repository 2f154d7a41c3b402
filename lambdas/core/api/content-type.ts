import type { RequestHeaders } from '#core/events/api-key.ts';
import { ApiRefusal } from './refusal.ts';

// application/json or a structured +json type, optionally with parameters.
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
const CHARSET = /(?:^|;)\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** Refuses (415) a request whose Content-Type (headers by lower-case name) is not JSON in
 * UTF-8. */
export const requireJsonContent = (headers: RequestHeaders): void => {
  const raw = headers['content-type'];
  const header = typeof raw === 'string' ? raw : '';
  const [type = '', ...params] = header.split(';');
  const charset = CHARSET.exec(params.join(';'))?.[1]?.toLowerCase();
  const isJson = JSON_TYPE.test(type.trim());
  if (!isJson || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new ApiRefusal('unsupported_media_type', undefined, [
      {
        path: '',
        message: 'Content-Type must be application/json (UTF-8)',
        expected: 'application/json',
        received: header === '' ? 'missing' : header,
      },
    ]);
  }
};
