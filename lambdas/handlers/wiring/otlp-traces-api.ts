import { answerTraces, OTLP_PROTOBUF } from '#core/api/otlp-traces.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { LogPort } from '#ports/log.ts';
import { bodyOf, lowerCaseHeaders, proxyRoute } from './proxy-answer.ts';

/** Where the span events go (Kinesis PutRecords): all of them, or an error (503). */
export interface EnvelopeBatchSink {
  putMany(envelopes: readonly IntakeEnvelope[]): Promise<void>;
}

/**
 * `POST /v1/traces` on AWS: the contract's traces route (core/api/otlp-traces.ts) over API
 * Gateway's proxy event. Protobuf bodies arrive base64-encoded (`application/x-protobuf`
 * is the API's binary media type). API Gateway returns binary only when the client's first
 * Accept type is binary, so the encoded protobuf answer is sent only then; otherwise the
 * empty message (success), with the counts in the `x-otlp-*-spans` headers.
 */
export const createOtlpTraces = (sink: EnvelopeBatchSink, log: LogPort) =>
  proxyRoute(log, async (event, request) => {
    const headers = lowerCaseHeaders(event.headers);
    const accepts = (headers.accept ?? '').split(',')[0]?.trim() === OTLP_PROTOBUF;
    return answerTraces(
      headers,
      bodyOf(event),
      request,
      { publish: (envelopes) => sink.putMany(envelopes) },
      accepts,
    );
  });
