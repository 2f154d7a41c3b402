import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { LedgerPort } from '#ports/ledger.ts';

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/**
 * `GET /v1/events/{event_id}`: the stored record (chain, seq, hash, policy result, body or
 * body_ref) found through the ledger's event id index; 404 when the id is not recorded.
 */
export const createQuery =
  (ledger: LedgerPort) =>
  async (event: Pick<APIGatewayProxyEvent, 'pathParameters'>): Promise<APIGatewayProxyResult> => {
    const eventId = event.pathParameters?.event_id;
    if (!eventId) {
      return json(400, { error: 'bad_request', detail: 'path parameter event_id is required' });
    }
    const where = (await ledger.locate([eventId])).get(eventId);
    const record = where ? await ledger.get(where.chain, where.seq) : undefined;
    if (!record) return json(404, { error: 'not_found', event_id: eventId });
    return json(200, record);
  };
