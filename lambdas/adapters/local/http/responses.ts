import type { ServerResponse } from 'node:http';
import type { Problem } from '#core/events/problem.ts';

/** What a route handler answers: a status and a JSON body (bytes are sent as they are,
 * as `application/x-protobuf` unless a header says otherwise: OTLP answers). */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The JSON error body every refusal uses: `{ error, message, problems? }`. */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly problems?: readonly Problem[];
}

/** Builds an error answer; `problems` lists every offending field when there are any. */
export const errorAnswer = (
  status: number,
  error: string,
  message: string,
  problems?: readonly Problem[],
): Answer => ({
  status,
  body: { error, message, ...(problems === undefined ? {} : { problems }) } satisfies ErrorBody,
});

/** Writes an answer as JSON (or bytes), tagged with the request id. */
export const sendAnswer = (res: ServerResponse, answer: Answer, requestId: string): void => {
  const binary = answer.body instanceof Uint8Array;
  const text = binary ? (answer.body as Uint8Array) : JSON.stringify(answer.body);
  res.statusCode = answer.status;
  res.setHeader(
    'content-type',
    binary ? 'application/x-protobuf' : 'application/json; charset=utf-8',
  );
  res.setHeader('content-length', Buffer.byteLength(text));
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-request-id', requestId);
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  res.end(text);
};
