/**
 * The hold route Lambda's real handler (handlers/governance.ts) sets and clears S3 Object
 * Lock legal holds: POST /v1/legal-holds sends PutObjectLegalHold ON for exactly the archive
 * objects holding the covered records, DELETE /v1/legal-holds/{id} sends OFF for them.
 * Ledger on DynamoDB Local, archive on s3rver. s3rver does not implement the legal-hold
 * API (405, see object-holds.test.ts), so the handler's S3 endpoint is a recording proxy on
 * 127.0.0.1 in front of s3rver (legal-hold-proxy.ts): it records each `?legal-hold` PUT
 * (method, path, subresource, the XML body's Status) and answers it 200, and passes every
 * other request (the hold record's archive segment) to s3rver.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CHAIN } from '#core/admin/admin-chain.ts';
import { segmentKey } from '#core/archive/layout.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { ARCHIVE_BUCKET, awsWorld, type TestLedger } from '#test/helpers/aws-world.ts';
import { routeEvent } from '#test/helpers/route-event.ts';
import { lambdaContext } from '#test/unit/handlers/context.ts';
import { type LegalHoldProxy, startLegalHoldProxy } from './legal-hold-proxy.ts';
import { decisionEnvelope, processorDeps } from './support.ts';

const world = awsWorld();
let proxy: LegalHoldProxy;
let ledger: TestLedger;

beforeAll(async () => {
  proxy = await startLegalHoldProxy(world.s3.endpoint);
  ledger = await world.newLedger({ searchIndexes: true });
  const keys = await world.newKeysTable();
  // The handler reads its configuration at import: its S3 endpoint is the proxy.
  Object.assign(
    process.env,
    world.handlerEnv(
      { ledger: ledger.table, keys, prefix: ledger.table },
      { AWS_ENDPOINT_URL_S3: proxy.endpoint },
    ),
  );
});
afterAll(() => proxy.close());

describe('the hold route Lambda', () => {
  it('sends PutObjectLegalHold ON for the covered archive objects, then OFF on release', async () => {
    // Prepare: loans and cards records for the held events; fraud is not covered.
    await processBatch(
      [
        decisionEnvelope('a1', 'loans'),
        decisionEnvelope('a2', 'cards'),
        decisionEnvelope('b1', 'fraud'),
      ],
      processorDeps(ledger.ledger, ledger.archive),
    );
    const { handler } = await import('#handlers/governance.ts');
    const call = async (event: ReturnType<typeof routeEvent>) =>
      (await handler(event as never, lambdaContext('governance'))) as APIGatewayProxyResult;
    const covered = [segmentKey('cards', 0), segmentKey('loans', 0)].map(
      (key) => `/${ARCHIVE_BUCKET}/${ledger.table}/${key}`,
    );
    const sent = () =>
      proxy.requests
        .map((r) => [r.method, r.path, r.query.join('&'), r.status])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1])));

    // Act: place the hold
    const placed = await call(
      routeEvent('post_legal_hold', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          scope: { event_ids: ['a1', 'a2'] },
          case_id: 'C-1',
          reason: 'inquiry',
        }),
      }),
    );

    // Assess: ON for exactly the two segments, through the legal-hold subresource
    expect(placed.statusCode, placed.body).toBe(201);
    expect(sent()).toEqual(covered.map((path) => ['PUT', path, 'legal-hold', 'ON']));
    // The hold's own record reached s3rver through the proxy.
    await world.s3.settled();
    expect(
      world.s3.requests.some(
        (r) =>
          r.method === 'PUT' && r.url.includes(`/${ledger.table}/${segmentKey(ADMIN_CHAIN, 0)}`),
      ),
    ).toBe(true);

    // Act: release it
    proxy.requests.length = 0;
    const { hold_id } = JSON.parse(placed.body) as { hold_id: string };
    const released = await call(routeEvent('delete_legal_hold', { params: { hold_id } }));

    // Assess: OFF for the same two, nothing else
    expect(released.statusCode, released.body).toBe(200);
    expect(sent()).toEqual(covered.map((path) => ['PUT', path, 'legal-hold', 'OFF']));
  });
});
