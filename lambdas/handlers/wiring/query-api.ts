import { lookupEvent } from '#core/api/lookup-event.ts';
import type { LedgerRecord } from '#core/chain/record.ts';
import type { RecordReader } from '#ports/ledger.ts';
import type { LogPort } from '#ports/log.ts';
import { proxyRoute } from './proxy-answer.ts';

/** `GET /v1/events/{event_id}`: the contract's lookup (core/api/lookup-event.ts) over the
 * ledger's event id index: `200 {record}`, `404 {error, message}`; `open` gives a layout v2
 * record its body while its keys exist. */
export const createQuery = (
  ledger: RecordReader,
  log: LogPort,
  open?: (record: LedgerRecord) => Promise<LedgerRecord>,
) => proxyRoute(log, async (event) => lookupEvent(event.pathParameters?.event_id, ledger, open));
