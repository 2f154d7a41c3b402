import { GENESIS_PREV } from '#core/chain/record.ts';

/** The envelope of a layout v2 record (it carries a retention) at seq 3 of `chain`, before
 * its body is sealed: what the body-crypto, sealed-tail and read-record tests seal. */
export const v2Envelope = (chain = 'app') => ({
  chain,
  seq: 3,
  kind: 'inference' as const,
  event_id: 'e-3',
  ingested_at: '2026-01-01T00:00:00.000Z',
  policy: { version: 'none', decision: 'pass' as const, findings: [] },
  retention: { rule: 'kind=inference', until: '2027-01-02' },
  prev: GENESIS_PREV,
});
