import { gunzipSync } from 'node:zlib';
import { admitEnvelope } from '#core/access/admit.ts';
import type { RequestHeaders } from '#core/events/api-key.ts';
import { encodeTraceResponse } from '#core/otlp/decode-protobuf.ts';
import { ingestTraces } from '#core/otlp/ingest-traces.ts';
import { otlpEncodingOf, parseTraceRequest } from '#core/otlp/parse-request.ts';
import type { EnvelopeSink } from '#ports/envelope-sink.ts';
import type { ApiAnswer } from './answer.ts';
import { ApiRefusal } from './refusal.ts';
import type { ApiRequest } from './request.ts';
import type { RouteAnswer } from './route-input.ts';

/** The largest OTLP export body (inflated too): 10 MiB, API Gateway's payload limit. */
export const TRACES_BODY_LIMIT = 10 * 1_048_576;

/** The OTLP/HTTP protobuf media type (the API's one binary media type on AWS). */
export const OTLP_PROTOBUF = 'application/x-protobuf';

/**
 * `POST /v1/traces` (OTLP/HTTP, JSON or protobuf, optionally gzip): every GenAI span
 * becomes one inference event (`ingestTraces`), all published before the answer; the
 * answer is an `ExportTraceServiceResponse` in the request's encoding, 200. A JSON answer
 * adds the counts; a protobuf one carries them in `x-otlp-*-spans` headers, and its body is
 * the encoded response when `protobufBody` (on AWS only when the client accepts binary:
 * API Gateway would otherwise hand it back as base64 text), else the empty message.
 */
export const answerTraces = async (
  headers: RequestHeaders,
  body: Uint8Array,
  request: ApiRequest,
  sink: EnvelopeSink,
  protobufBody = true,
): Promise<ApiAnswer> => {
  const contentType = headers['content-type'];
  const encoding = otlpEncodingOf(typeof contentType === 'string' ? contentType : undefined);
  if (encoding === undefined) {
    throw new ApiRefusal(
      'unsupported_media_type',
      'send OTLP as application/json or application/x-protobuf',
    );
  }
  const inflated = headers['content-encoding'] === 'gzip' ? gunzip(body) : body;
  const parsed = parseTraceRequest(inflated, encoding);
  if (!parsed.ok) throw new ApiRefusal('invalid_request', parsed.message);
  let intake: ReturnType<typeof ingestTraces>;
  try {
    intake = ingestTraces(parsed.request, request);
  } catch (error) {
    // A body of the right outline with the wrong types inside (a span that is a number).
    throw new ApiRefusal('invalid_request', `not an OTLP trace export: ${String(error)}`);
  }
  // Like every ingest route: a span for a chain outside the key's scope refuses the whole
  // export (403) before any is kept, and each envelope names the submitting key.
  const { principal } = request;
  const envelopes =
    principal === undefined
      ? intake.envelopes
      : intake.envelopes.map((envelope) => admitEnvelope(principal, envelope));
  if (envelopes.length > 0) await sink.publish(envelopes);
  if (encoding === 'json') return { status: 200, body: intake.response };
  return {
    status: 200,
    body: protobufBody ? encodeTraceResponse(intake.response) : new Uint8Array(),
    headers: {
      'content-type': OTLP_PROTOBUF,
      'x-otlp-accepted-spans': String(intake.response.accepted_spans),
      'x-otlp-ignored-spans': String(intake.response.ignored_spans),
      'x-otlp-rejected-spans': String(intake.response.rejected_spans),
    },
  };
};

const gunzip = (body: Uint8Array): Uint8Array => {
  try {
    return gunzipSync(body, { maxOutputLength: TRACES_BODY_LIMIT });
  } catch {
    throw new ApiRefusal(
      'invalid_request',
      'the gzip body could not be inflated (or is over 10 MiB)',
    );
  }
};

/**
 * `POST /v1/traces` (OTLP/HTTP). `binaryOnlyWhenAccepted`: API Gateway returns a binary
 * body only when the client's first Accept type is binary, so on AWS the encoded protobuf
 * answer is sent only then; otherwise the empty message (success), with the counts in the
 * `x-otlp-*-spans` headers.
 */
export const tracesRoute =
  (sink: EnvelopeSink, binaryOnlyWhenAccepted: boolean): RouteAnswer =>
  async (input) => {
    const accept = input.headers.accept;
    const first = typeof accept === 'string' ? accept.split(',')[0]?.trim() : undefined;
    const binary = !binaryOnlyWhenAccepted || first === OTLP_PROTOBUF;
    return answerTraces(input.headers, await input.body(TRACES_BODY_LIMIT), input, sink, binary);
  };
