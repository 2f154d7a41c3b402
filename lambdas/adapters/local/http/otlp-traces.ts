import { gunzipSync } from 'node:zlib';
import { encodeTraceResponse } from '#core/otlp/decode-protobuf.ts';
import { ingestTraces } from '#core/otlp/ingest-traces.ts';
import { otlpEncodingOf, parseTraceRequest } from '#core/otlp/parse-request.ts';
import { HttpError } from './errors.ts';
import type { EnvelopePublisher, Handler } from './handler.ts';
import { MAX_BATCH_BODY_BYTES } from './limits.ts';
import { readBody } from './read-body.ts';

/**
 * `POST /v1/traces` (OTLP/HTTP, JSON or protobuf, optionally gzip): GenAI spans become
 * inference events, published durably in one go, then answered with an
 * `ExportTraceServiceResponse` in the request's encoding (200).
 */
export const otlpTraces =
  (stream: EnvelopePublisher): Handler =>
  async ({ req, requestId, receivedAt }) => {
    const encoding = otlpEncodingOf(req.headers['content-type']);
    if (encoding === undefined) {
      throw new HttpError(
        415,
        'unsupported_media_type',
        'send OTLP as application/json or application/x-protobuf',
      );
    }
    let body: Uint8Array = await readBody(req, MAX_BATCH_BODY_BYTES);
    if (req.headers['content-encoding'] === 'gzip') body = gunzip(body);
    const parsed = parseTraceRequest(body, encoding);
    if (!parsed.ok) throw new HttpError(400, 'invalid_request', parsed.message);
    let intake: ReturnType<typeof ingestTraces>;
    try {
      intake = ingestTraces(parsed.request, { requestId, receivedAt });
    } catch (error) {
      // A JSON body of the right outline but the wrong types inside (a span that is a number).
      throw new HttpError(400, 'invalid_request', `not an OTLP trace export: ${String(error)}`);
    }
    if (intake.envelopes.length > 0) await stream.publish(intake.envelopes);
    if (encoding === 'json') return { status: 200, body: intake.response };
    return { status: 200, body: encodeTraceResponse(intake.response) };
  };

const gunzip = (body: Uint8Array): Uint8Array => {
  try {
    return gunzipSync(body, { maxOutputLength: MAX_BATCH_BODY_BYTES });
  } catch {
    throw new HttpError(
      400,
      'invalid_request',
      'the gzip body could not be inflated (or is over 10 MiB)',
    );
  }
};
