/**
 * How a command reaches a running audit trail: `--endpoint` (env AUDIT_TRAIL_ENDPOINT) and
 * `--api-key` (env AUDIT_TRAIL_API_KEY). Commands that can also work on a data directory
 * (`--data`) use the API when an endpoint is given, so the same command runs in a CI/CD
 * pipeline against a deployment and on a developer's machine.
 */
export interface ApiFlags {
  readonly endpoint?: string;
  readonly apiKey?: string;
}

export const ENDPOINT_OPTION = [
  '--endpoint <url>',
  'call the API at this URL (env AUDIT_TRAIL_ENDPOINT) instead of opening --data',
] as const;
export const API_KEY_OPTION = ['--api-key <key>', 'API key (env AUDIT_TRAIL_API_KEY)'] as const;

/** The endpoint to call, or undefined to work on the data directory. */
export const endpointOf = (flags: ApiFlags & { readonly data?: string }): string | undefined =>
  flags.endpoint ?? (flags.data === undefined ? process.env.AUDIT_TRAIL_ENDPOINT : undefined);

/** Raised for a non-2xx answer: the API's `{error, message}`. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Calls one route; answers the JSON body of a 2xx answer, throws ApiCallError otherwise. */
export const callApi = async (
  endpoint: string,
  flags: ApiFlags,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> => {
  const key = flags.apiKey ?? process.env.AUDIT_TRAIL_API_KEY;
  if (key === undefined) throw new ApiCallError(0, 'give --api-key or AUDIT_TRAIL_API_KEY');
  const res = await fetch(new URL(path, endpoint), {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const message = (json as { message?: string } | undefined)?.message ?? text;
    throw new ApiCallError(res.status, `${method} ${path}: ${res.status} ${message}`);
  }
  return json;
};
