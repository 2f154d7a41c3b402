import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { encodeTraceResponse } from '#core/otlp/decode-protobuf.ts';
import { ingestTraces } from '#core/otlp/ingest-traces.ts';
import { otlpEncodingOf, parseTraceRequest } from '#core/otlp/parse-request.ts';

/** Where the span events go (the Kinesis stream): all of them, or an error. */
export interface EnvelopeBatchSink {
  putMany(envelopes: readonly IntakeEnvelope[]): Promise<void>;
}

type TracesRequestEvent = Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers'> & {
  readonly requestContext: Pick<
    APIGatewayProxyEvent['requestContext'],
    'requestId' | 'requestTimeEpoch'
  >;
};

const MAX_BODY_BYTES = 10 * 1_048_576;

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const header = (event: TracesRequestEvent, name: string): string | undefined => {
  const found = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1] ?? undefined;
};

/**
 * `POST /v1/traces` on AWS: the same decoding and mapping as the local route
 * (`ingestTraces`), then PutRecords on the stream, then the OTLP answer. API Gateway hands
 * protobuf bodies over base64-encoded (`application/x-protobuf` is a binary media type),
 * and returns binary only when the client's first Accept type is binary: a protobuf answer
 * that has something to say (a partial success) is sent when the client accepts
 * `application/x-protobuf`, otherwise the answer is the empty message (success) and the
 * counts are in `x-otlp-*-spans` headers.
 */
export const createOtlpTraces =
  (sink: EnvelopeBatchSink) =>
  async (event: TracesRequestEvent): Promise<APIGatewayProxyResult> => {
    const encoding = otlpEncodingOf(header(event, 'content-type'));
    if (encoding === undefined) {
      return json(415, {
        error: 'unsupported_media_type',
        message: 'send OTLP as application/json or application/x-protobuf',
      });
    }
    let body: Uint8Array = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    if (header(event, 'content-encoding') === 'gzip') {
      try {
        body = gunzipSync(body, { maxOutputLength: MAX_BODY_BYTES });
      } catch {
        return json(400, {
          error: 'invalid_request',
          message: 'the gzip body could not be inflated',
        });
      }
    }
    const parsed = parseTraceRequest(body, encoding);
    if (!parsed.ok) return json(400, { error: 'invalid_request', message: parsed.message });
    let intake: ReturnType<typeof ingestTraces>;
    try {
      intake = ingestTraces(parsed.request, {
        requestId: event.requestContext.requestId,
        receivedAt: new Date(event.requestContext.requestTimeEpoch).toISOString(),
      });
    } catch (error) {
      return json(400, { error: 'invalid_request', message: `not an OTLP trace export: ${error}` });
    }
    if (intake.envelopes.length > 0) await sink.putMany(intake.envelopes);
    if (encoding === 'json') return json(200, intake.response);
    const counts = {
      'x-otlp-accepted-spans': String(intake.response.accepted_spans),
      'x-otlp-ignored-spans': String(intake.response.ignored_spans),
      'x-otlp-rejected-spans': String(intake.response.rejected_spans),
    };
    const binary =
      (header(event, 'accept') ?? '').split(',')[0]?.trim() === 'application/x-protobuf';
    const encoded = binary ? encodeTraceResponse(intake.response) : new Uint8Array();
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/x-protobuf', ...counts },
      body: Buffer.from(encoded).toString('base64'),
      isBase64Encoded: true,
    };
  };
