import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import type { RuntimePolicyEngine } from '#core/policy/create-engine.ts';
import { callGuardrail } from '#core/policy/guardrail-call.ts';

/** Where evaluated guardrail calls go to be chained (the Kinesis stream in AWS). */
export interface EnvelopeSink {
  put(envelope: IntakeEnvelope): Promise<void>;
}

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

type GuardrailRequestEvent = Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'> & {
  readonly requestContext: Pick<
    APIGatewayProxyEvent['requestContext'],
    'requestId' | 'requestTimeEpoch'
  >;
};

/**
 * `POST /v1/guardrails/evaluate`: validates and evaluates the call against the policy,
 * puts the evaluated event on the stream (so it is chained like any other, under the
 * client's event id or the API request id) and only then answers `{decision, findings,
 * redacted_text, policy_version, event_id}`. A failed put fails the call (5xx): an
 * answer is never given for a call that will not be in the audit trail.
 */
export const createGuardrail =
  (engine: RuntimePolicyEngine, sink: EnvelopeSink) =>
  async (event: GuardrailRequestEvent): Promise<APIGatewayProxyResult> => {
    const text = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return json(400, { error: 'invalid_json', detail: 'the body is not JSON' });
    }
    const outcome = await callGuardrail(
      payload,
      {
        request_id: event.requestContext.requestId,
        received_at: new Date(event.requestContext.requestTimeEpoch).toISOString(),
      },
      engine,
    );
    if (outcome.envelope !== undefined) await sink.put(outcome.envelope);
    return json(outcome.status, outcome.body);
  };
