import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type ApiAnswer, answerHeaders, answerText } from '#core/api/answer.ts';
import { ApiRefusal } from '#core/api/refusal.ts';
import { unavailableAnswer } from '#core/api/refusals.ts';
import type { ApiRequest } from '#core/api/request.ts';
import type { LogPort } from '#ports/log.ts';

/** The parts of a proxy event the API's Lambda routes read. */
export type ProxyRequestEvent = Pick<
  APIGatewayProxyEvent,
  'body' | 'isBase64Encoded' | 'headers' | 'pathParameters'
> & {
  readonly requestContext: Pick<
    APIGatewayProxyEvent['requestContext'],
    'requestId' | 'requestTimeEpoch'
  >;
};

/** A contract answer as an API Gateway proxy result, with the contract's headers. */
export const proxyResult = (answer: ApiAnswer, requestId: string): APIGatewayProxyResult => {
  const body = answerText(answer);
  const headers = answerHeaders(answer, requestId);
  if (typeof body === 'string') return { statusCode: answer.status, headers, body };
  // Bytes go base64-encoded; API Gateway decodes them for a binary media type.
  const base64 = Buffer.from(body).toString('base64');
  return { statusCode: answer.status, headers, body: base64, isBase64Encoded: true };
};

/** API Gateway keeps the client's header case; the contract reads lower-case names. */
export const lowerCaseHeaders = (
  headers: APIGatewayProxyEvent['headers'] | null | undefined,
): Record<string, string> => {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) lower[name.toLowerCase()] = value;
  }
  return lower;
};

/** The body's bytes, decoded when API Gateway base64-encoded them. */
export const bodyOf = (event: Pick<ProxyRequestEvent, 'body' | 'isBase64Encoded'>): Buffer =>
  event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64')
    : Buffer.from(event.body ?? '', 'utf8');

/**
 * A Lambda route over the contract: `route` answers (or throws an ApiRefusal, answered as
 * such), anything else is logged and answered 503, exactly as the local server does.
 */
export const proxyRoute =
  <E extends ProxyRequestEvent>(
    log: LogPort,
    route: (event: E, request: ApiRequest) => Promise<ApiAnswer>,
  ) =>
  async (event: E): Promise<APIGatewayProxyResult> => {
    const { requestId, requestTimeEpoch } = event.requestContext;
    const request: ApiRequest = {
      requestId,
      receivedAt: new Date(requestTimeEpoch).toISOString(),
    };
    try {
      return proxyResult(await route(event, request), requestId);
    } catch (error) {
      if (error instanceof ApiRefusal) return proxyResult(error.answer(), requestId);
      log.error('request failed', { request_id: requestId, error });
      return proxyResult(unavailableAnswer(), requestId);
    }
  };
