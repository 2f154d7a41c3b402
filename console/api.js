/** The API, called with the key the user signed in with (kept for this tab only). */

const KEY = 'audit-trail-console-key';
let base = '';

/** Where the API is: the console's own origin, unless config.json names another (the
 * CloudFront deployment writes it). */
export const loadConfig = async () => {
  try {
    const res = await fetch('config.json', { cache: 'no-store' });
    if (res.ok) base = String((await res.json()).apiUrl ?? '').replace(/\/$/, '');
  } catch {
    base = '';
  }
};

export const getKey = () => sessionStorage.getItem(KEY);
export const setKey = (key) => sessionStorage.setItem(KEY, key);
export const clearKey = () => sessionStorage.removeItem(KEY);

/** A refused or failed request: the status and the API's `{error, message, problems}`. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `the API answered ${status}`);
    this.status = status;
    this.code = body?.error;
    this.problems = body?.problems;
  }
}

/** Calls the API; answers `{json, headers}` or throws ApiError. */
export const call = async (path, { method = 'GET', body, headers = {} } = {}) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${getKey() ?? ''}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, json);
  return { json, headers: res.headers };
};

/** Calls the API and answers the JSON body. */
export const api = async (path, options) => (await call(path, options)).json;

/** `path?params` with the empty ones left out. */
export const withQuery = (path, params) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const text = q.toString();
  return text === '' ? path : `${path}?${text}`;
};
