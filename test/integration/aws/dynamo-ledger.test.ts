import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoBodyKeys } from '#adapters/aws/dynamo-body-keys.ts';
import {
  BodyTooLargeError,
  DynamoLedger,
  MAX_INLINE_BODY_BYTES,
  RECORDS_PER_TRANSACTION,
} from '#adapters/aws/dynamo-ledger.ts';
import { sealedBodyKey, segmentKey } from '#core/archive/layout.ts';
import { bodyHash, checkRecord, sealRecord } from '#core/chain/hash.ts';
import { META_KEY_PREFIX } from '#core/chain/ledger-keys.ts';
import { GENESIS_PREV, type LedgerRecord } from '#core/chain/record.ts';
import { appendToChain, type PendingRecord } from '#core/pipeline/append-chain.ts';
import type { EnvelopeOutcome } from '#core/pipeline/outcome.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { openRecord } from '#core/retention/open-record.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import { TERM, term } from '#core/search/terms.ts';
import type { ArchivePort } from '#ports/archive.ts';
import { ChainConflictError, DuplicateEventError, type LedgerPort } from '#ports/ledger.ts';
import type { ProcessorDeps } from '#ports/pipeline-deps.ts';
import { awsWorld } from '#test/helpers/aws-world.ts';
import { collect } from '#test/helpers/collect.ts';
import { withAppend } from '#test/helpers/with-append.ts';
import { decisionEnvelope, emptyHead, headOf, processorDeps, sealedAfter } from './support.ts';

// A fresh table per test (world.newLedger), so tests never see each other's chains.
const world = awsWorld();

/** Every record of the chain is there once, seq 0..n-1, each hash right and linked. */
const expectIntactChain = (records: readonly LedgerRecord[], n: number) => {
  expect(records.map((r) => r.seq)).toEqual([...Array(n).keys()]);
  let prev = GENESIS_PREV;
  for (const record of records) {
    expect(record.prev).toBe(prev);
    expect(checkRecord(record)).toEqual({ hash: true, body: 'ok' });
    prev = record.hash;
  }
  expect(new Set(records.map((r) => r.event_id)).size).toBe(n);
};

describe('DynamoLedger on DynamoDB Local', () => {
  it('appends conditionally and reads records back exactly as sealed', async () => {
    // Prepare
    const { ledger } = await world.newLedger();
    const first = sealedAfter(emptyHead('app'), 3);
    const second = sealedAfter(headOf(first), 2);

    // Act
    await ledger.append(emptyHead('app'), first);
    await ledger.append(headOf(first), second);

    // Assess
    const all = [...first, ...second];
    expect(await ledger.head('app')).toEqual(headOf(all));
    expect(await ledger.head('empty')).toEqual(emptyHead('empty'));
    const stored = await collect(ledger.range('app', 0, 99));
    expect(stored.map((r) => JSON.stringify(r))).toEqual(all.map((r) => JSON.stringify(r)));
    expect(await ledger.get('app', 4)).toEqual(all[4]);
    expect(await ledger.get('app', 5)).toBeUndefined();
    expect(await collect(ledger.range('app', 1, 2))).toEqual(all.slice(1, 3));
    expect(await collect(ledger.range('app', 3, 2))).toEqual([]);
    expectIntactChain(stored, 5);
  });

  it('refuses an append on a stale head and writes nothing', async () => {
    // Prepare
    const { ledger } = await world.newLedger();
    const first = sealedAfter(emptyHead('app'), 2);
    await ledger.append(emptyHead('app'), first);
    const forkFromGenesis = sealedAfter(emptyHead('app'), 1, { prefix: 'fork' });
    const forkFromOne = sealedAfter({ chain: 'app', seq: 0, hash: first[0]?.hash ?? '' }, 1, {
      prefix: 'fork',
    });
    const wrongHash = sealedAfter({ chain: 'app', seq: 1, hash: 'f'.repeat(64) }, 1, {
      prefix: 'fork',
    });

    // Act
    const results = await Promise.allSettled([
      ledger.append(emptyHead('app'), forkFromGenesis),
      ledger.append({ chain: 'app', seq: 0, hash: first[0]?.hash ?? '' }, forkFromOne),
      ledger.append({ chain: 'app', seq: 1, hash: 'f'.repeat(64) }, wrongHash),
    ]);

    // Assess
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ChainConflictError);
    }
    expect(await collect(ledger.range('app', 0, 9))).toEqual(first);
    expect(await ledger.locate(['fork-0', 'fork-1', 'fork-2'])).toEqual(new Map());
  });

  it('lets exactly one of two writers on the same head win', async () => {
    // Prepare
    const { table } = await world.newLedger();
    const first = new DynamoLedger({ client: world.db.newClient(), table });
    const second = new DynamoLedger({ client: world.db.newClient(), table });
    await first.append(emptyHead('race'), sealedAfter(emptyHead('race'), 1));
    const head = await first.head('race');

    // Act
    const results = await Promise.allSettled([
      first.append(head, sealedAfter(head, 3, { prefix: 'one' })),
      second.append(head, sealedAfter(head, 3, { prefix: 'two' })),
    ]);

    // Assess
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(ChainConflictError);
    const records = await collect(first.range('race', 0, 99));
    expectIntactChain(records, 4);
    expect(new Set(records.slice(1).map((r) => r.event_id.split('-')[0])).size).toBe(1);
  });

  it('refuses an event id recorded before, naming it, and writes nothing', async () => {
    // Prepare
    const { ledger } = await world.newLedger();
    const first = sealedAfter(emptyHead('app'), 2);
    await ledger.append(emptyHead('app'), first);
    const again = sealedAfter(headOf(first), 2, { ids: ['new-1', 'app-1'] });

    // Act
    const attempt = ledger.append(headOf(first), again);

    // Assess
    await expect(attempt).rejects.toEqual(new DuplicateEventError(['app-1']));
    expect(await ledger.head('app')).toEqual(headOf(first));
    expect(await ledger.locate(['new-1', 'app-1', 'app-0'])).toEqual(
      new Map([
        ['app-1', { chain: 'app', seq: 1 }],
        ['app-0', { chain: 'app', seq: 0 }],
      ]),
    );
  });

  it('refuses records that do not follow the head or repeat an event id, before writing', async () => {
    // Prepare
    const { ledger } = await world.newLedger();
    const gap = sealedAfter({ chain: 'app', seq: 0, hash: 'a'.repeat(64) }, 1);
    const twice = sealedAfter(emptyHead('app'), 2, { ids: ['same', 'same'] });

    // Act
    const results = await Promise.allSettled([
      ledger.append(emptyHead('app'), gap),
      ledger.append(emptyHead('app'), twice),
    ]);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const r of results) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
    expect(await ledger.head('app')).toEqual(emptyHead('app'));
  });

  it('locates more than one BatchGetItem of event ids, across chains', async () => {
    // Prepare
    const { ledger } = await world.newLedger();
    const a = sealedAfter(emptyHead('a'), 120);
    const b = sealedAfter(emptyHead('b'), 30);
    await ledger.append(emptyHead('a'), a);
    await ledger.append(emptyHead('b'), b);

    // Act
    const found = await ledger.locate([...a, ...b].map((r) => r.event_id).concat('missing'));

    // Assess
    expect(found.size).toBe(150);
    expect(found.get('a-119')).toEqual({ chain: 'a', seq: 119 });
    expect(found.get('b-7')).toEqual({ chain: 'b', seq: 7 });
    expect(found.has('missing')).toBe(false);
  });

  it('splits an append over 100 items into consecutive transactions', async () => {
    // Prepare
    const { ledger } = await world.newLedger();
    const records = sealedAfter(emptyHead('big'), 120);
    const transactions: number[] = [];
    world.db.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand') {
          const input = args.input as { TransactItems: unknown[] };
          transactions.push(input.TransactItems.length);
        }
        return next(args);
      },
      { step: 'initialize', name: 'countTransactions' },
    );

    // Act
    try {
      await ledger.append(emptyHead('big'), records);
    } finally {
      world.db.client.middlewareStack.remove('countTransactions');
    }

    // Assess
    expect(RECORDS_PER_TRANSACTION).toBe(49);
    expect(transactions).toEqual([99, 99, 45]);
    expect(transactions.every((n) => n <= 100)).toBe(true);
    expectIntactChain(await collect(ledger.range('big', 0, 200)), 120);
    expect(await ledger.head('big')).toEqual(headOf(records));
  });

  it('leaves a consistent prefix when a split append dies between transactions, and the retry completes it', async () => {
    // Prepare
    const { table } = await world.newLedger();
    const crashing = world.db.newClient();
    let sent = 0;
    crashing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && ++sent === 2) {
          throw new Error('Lambda timed out');
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const dying = new DynamoLedger({ client: crashing, table });
    const retrying = new DynamoLedger({ client: world.db.client, table });
    const pending: PendingRecord[] = [...Array(110).keys()].map((i) => ({
      kind: 'decision',
      event_id: `e-${i}`,
      policy: { version: 'none', decision: 'pass', findings: [] },
      body: { i },
    }));

    // Act
    const crashed = appendToChain('c', pending, dying, '2025-01-01T00:00:00.000Z');
    await expect(crashed).rejects.toThrow('Lambda timed out');
    const prefix = await collect(retrying.range('c', 0, 999));
    const retried = await appendToChain('c', pending, retrying, '2025-01-01T00:00:01.000Z');

    // Assess
    expect(prefix).toHaveLength(RECORDS_PER_TRANSACTION);
    expectIntactChain(prefix, RECORDS_PER_TRANSACTION);
    expect(retried.alreadyRecorded.size).toBe(RECORDS_PER_TRANSACTION);
    expect(retried.appended).toHaveLength(110 - RECORDS_PER_TRANSACTION);
    const all = await collect(retrying.range('c', 0, 999));
    expectIntactChain(all, 110);
    expect(all.map((r) => r.event_id).sort()).toEqual(pending.map((p) => p.event_id).sort());
    crashing.destroy();
  });

  it('lets two processors append to one chain at once without a fork or a gap', async () => {
    // Prepare
    const { table, archive } = await world.newLedger();
    const clients = [world.db.newClient(), world.db.newClient()];
    let cancelled = 0;
    for (const client of clients) {
      client.middlewareStack.add(
        (next) => async (args) => {
          try {
            return await next(args);
          } catch (error) {
            if ((error as Error).name === 'TransactionCanceledException') cancelled += 1;
            throw error;
          }
        },
        { step: 'initialize' },
      );
    }
    // Each append waits (up to 50 ms) for the other processor's, so the two really write
    // on the same head at the same time rather than taking turns.
    const meet = rendezvous(50);
    const [one, two] = clients.map((client) =>
      processorDeps(meetingBeforeAppend(new DynamoLedger({ client, table }), meet), archive),
    ) as [ProcessorDeps, ProcessorDeps];
    const envelopes = [...Array(60).keys()].map((i) => decisionEnvelope(`dec-${i}`, 'shared'));
    // Both see every event (at-least-once with overlapping redelivery) in different orders
    // and batch sizes.
    const batchesOne = chunk(envelopes, 7);
    const batchesTwo = chunk([...envelopes].reverse(), 11);

    // Act
    const [outOne, outTwo] = await Promise.all([runAll(batchesOne, one), runAll(batchesTwo, two)]);

    // Assess
    const statuses = [...outOne, ...outTwo].map((o) => o.status);
    expect(statuses).toHaveLength(120);
    expect(statuses.every((s) => s === 'recorded' || s === 'duplicate')).toBe(true);
    const ledger = new DynamoLedger({ client: world.db.client, table });
    const records = await collect(ledger.range('shared', 0, 999));
    expectIntactChain(records, 60);
    expect(cancelled).toBeGreaterThan(0);
    expect((await ledger.meta('shared')).archived_through).toBe(59);
    for (const client of clients) client.destroy();
  });

  it('records duplicate deliveries once, in one batch and across batches', async () => {
    // Prepare
    const { table, archive, ledger } = await world.newLedger();
    const deps = processorDeps(ledger, archive);
    const a = decisionEnvelope('dup-a', 'dups');
    const b = decisionEnvelope('dup-b', 'dups');

    // Act
    const first = await processBatch([a, a, b], deps);
    const second = await processBatch([b, decisionEnvelope('dup-c', 'dups'), a], deps);

    // Assess
    expect(first.map((o) => o.status)).toEqual(['recorded', 'duplicate', 'recorded']);
    expect(second.map((o) => [o.status, o.seq])).toEqual([
      ['duplicate', 1],
      ['recorded', 2],
      ['duplicate', 0],
    ]);
    const records = await collect(
      new DynamoLedger({ client: world.db.client, table }).range('dups', 0, 9),
    );
    expect(records.map((r) => r.event_id)).toEqual(['dup-a', 'dup-b', 'dup-c']);
  });

  it('converges after a failure between the DynamoDB commit and the S3 write', async () => {
    // Prepare
    const { ledger, archive } = await world.newLedger();
    // Two: the batch's archive write, then the processor's isolated retry of its first record.
    let failures = 0;
    const flakyArchive: ArchivePort = {
      put: async (key, bytes, options) => {
        if (key.includes('/segments/') && failures < 2) {
          failures += 1;
          throw new Error('S3 unavailable');
        }
        return archive.put(key, bytes, options);
      },
      get: (key) => archive.get(key),
      list: (prefix) => archive.list(prefix),
      stream: (key) => archive.stream(key),
    };
    const envelopes = [...Array(5).keys()].map((i) => decisionEnvelope(`crash-${i}`, 'crashy'));

    // Act
    const first = await processBatch(envelopes, processorDeps(ledger, flakyArchive));
    const committed = await ledger.head('crashy');
    const retry = await processBatch(envelopes, processorDeps(ledger, flakyArchive));

    // Assess
    expect(first.map((o) => o.status)).toEqual(Array(5).fill('failed'));
    expect(committed.seq).toBe(4);
    expect(retry.map((o) => o.status)).toEqual(Array(5).fill('duplicate'));
    expect(await ledger.meta('crashy')).toMatchObject({ archived_through: 4 });
    const keys = await collect(archive.list('chains/crashy/segments/'));
    expect(keys).toEqual([segmentKey('crashy', 0)]);
    const lines = new TextDecoder()
      .decode(await archive.get(keys[0] ?? ''))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LedgerRecord);
    expect(lines).toEqual(await collect(ledger.range('crashy', 0, 4)));
  });

  it('moves meta bookkeeping only forward, field by field', async () => {
    // Prepare
    const { ledger } = await world.newLedger();
    const before = await ledger.meta('m');

    // Act
    await ledger.setMeta('m', {
      archived_through: 5,
      checkpoint_size: 10,
      checkpoint_frontier: ['aa', 'bb'],
    });
    await ledger.setMeta('m', {
      archived_through: 3,
      checkpoint_size: 12,
      checkpoint_frontier: ['cc'],
    });
    await ledger.setMeta('m', {
      archived_through: 7,
      checkpoint_size: 8,
      checkpoint_frontier: ['dd'],
    });
    await ledger.setMeta('m', { checkpoint_frontier: ['ignored without a size'] });

    // Assess
    expect(before).toEqual({ archived_through: -1, checkpoint_size: 0, checkpoint_frontier: [] });
    expect(await ledger.meta('m')).toEqual({
      archived_through: 7,
      checkpoint_size: 12,
      checkpoint_frontier: ['cc'],
    });
  });

  it('keeps bodies over 256 KB in the body store and a body_ref in the record', async () => {
    // Prepare
    const { ledger, archive, table } = await world.newLedger();
    const large = { text: 'é'.repeat(MAX_INLINE_BODY_BYTES / 2 + 10) };
    const records = sealedAfter(emptyHead('claim'), 2, {
      body: (seq) => (seq === 1 ? large : { small: true }),
    });

    // Act
    await ledger.append(emptyHead('claim'), records);

    // Assess
    const stored = await ledger.get('claim', 1);
    expect(stored?.body).toBeUndefined();
    const key = `bodies/claim/000000000001-${records[1]?.body_hash}.json`;
    const size = new TextEncoder().encode(JSON.stringify(large)).length;
    expect(size).toBeGreaterThan(MAX_INLINE_BODY_BYTES);
    expect(stored?.body_ref).toEqual({ uri: `s3://archive/${table}/${key}`, size });
    expect(checkRecord(stored as LedgerRecord)).toEqual({ hash: true, body: 'by_ref' });
    const fetched = JSON.parse(new TextDecoder().decode(await archive.get(key))) as unknown;
    expect(fetched).toEqual(large);
    expect(bodyHash(fetched, stored?.body_salt ?? '')).toBe(records[1]?.body_hash);
    expect(await ledger.get('claim', 0)).toEqual(records[0]);
    const raw = await world.db.client.send(
      new GetItemCommand({ TableName: table, Key: { chain: { S: 'claim' }, seq: { N: '1' } } }),
    );
    expect(raw.Item?.body).toBeUndefined();
    expect(raw.Item?.user_key).toBeUndefined();
  });

  it('keeps a layout v2 ciphertext too large for an item in the body store, read back with its record', async () => {
    // Prepare: a 300 KB body sealed (its ciphertext, base64, is ~400 KB)
    const { ledger, archive, table } = await world.newLedger();
    const keysTable = await world.newKeysTable();
    const keys = new DynamoBodyKeys({ client: world.db.client, table: keysTable });
    const sealer = await createBodySealer(DEFAULT_RETENTION_RULES, keys);
    const secret = 'Juniper-Axolotl-Meridian';
    const large = { note: secret, user_id: 'ann', text: 'x'.repeat(300 * 1024) };
    const plain = sealedAfter(emptyHead('v2big'), 2, {
      body: (seq) => (seq === 1 ? large : { small: true }),
    });
    const records = await sealer.seal(plain);

    // Act
    await ledger.append(emptyHead('v2big'), records);

    // Assess
    const stored = await ledger.get('v2big', 1);
    expect(stored).toEqual(records[1]);
    expect((await collect(ledger.range('v2big', 0, 1)))[1]).toEqual(records[1]);
    expect((await openRecord(stored as LedgerRecord, keys)).body).toEqual(large);
    const raw = await world.db.client.send(
      new GetItemCommand({ TableName: table, Key: { chain: { S: 'v2big' }, seq: { N: '1' } } }),
    );
    expect(raw.Item?.body_enc).toBeUndefined();
    expect(Number(raw.Item?.body_enc_at?.N)).toBeGreaterThan(300 * 1024);
    // Still indexed by the terms carried from before sealing: its user and subject.
    expect(raw.Item?.user_key?.S).toBe(term(TERM.user, 'ann'));
    expect(raw.Item?.subject_key?.S).toMatch(/^sj:/);
    const object = await archive.get(sealedBodyKey('v2big', 1, records[1]?.body_hash ?? ''));
    expect(new TextDecoder().decode(object)).not.toContain(secret);
  });

  it('claim-checks a body under 256 KB when the whole record item would pass 400 KB', async () => {
    // Prepare: the client's policy_checks are kept verbatim in the policy result, so a
    // 200 KB body that carries them makes a record item of ~400 KB.
    const { ledger } = await world.newLedger();
    const checks = [{ note: 'c'.repeat(200 * 1024) }];
    const body = { policy_checks: checks, text: 'b'.repeat(50 * 1024) };
    const head = emptyHead('fat');
    const record = sealRecord(
      {
        chain: 'fat',
        seq: 0,
        kind: 'decision',
        event_id: 'fat-0',
        ingested_at: '2025-01-01T00:00:00.000Z',
        policy: { version: 'none', decision: 'pass', findings: [], client_reported: checks },
        prev: GENESIS_PREV,
      },
      body,
    );
    expect(new TextEncoder().encode(JSON.stringify(body)).length).toBeLessThan(
      MAX_INLINE_BODY_BYTES,
    );

    // Act
    await ledger.append(head, [record]);

    // Assess
    const stored = await ledger.get('fat', 0);
    expect(stored?.body).toBeUndefined();
    expect(stored?.body_ref?.size).toBeGreaterThan(200 * 1024);
    expect(checkRecord(stored as LedgerRecord)).toEqual({ hash: true, body: 'by_ref' });
  });

  it('indexes a record under digests of its terms, never a raw id, long values not at all', async () => {
    // Prepare: a table with the stack's search indexes (GSI partition keys ≤ 2048 bytes).
    const { ledger, table } = await world.newLedger({ searchIndexes: true });
    const bodies = [
      { session_id: 's'.repeat(3000) },
      { user_id: 'é'.repeat(1100) },
      { user_id: 'u-1' },
    ];
    const records = sealedAfter(emptyHead('long-user'), 3, { body: (seq) => bodies[seq] });

    // Act
    await ledger.append(emptyHead('long-user'), records);

    // Assess
    expect(await collect(ledger.range('long-user', 0, 2))).toEqual(records);
    const items = [];
    for (const seq of [0, 1, 2]) {
      const out = await world.db.client.send(
        new GetItemCommand({
          TableName: table,
          Key: { chain: { S: 'long-user' }, seq: { N: String(seq) } },
        }),
      );
      items.push(out.Item);
    }
    expect(items.map((item) => item?.user_key?.S)).toEqual([
      undefined,
      undefined,
      term(TERM.user, 'u-1'),
    ]);
    expect(items.map((item) => item?.session_key?.S)).toEqual([undefined, undefined, undefined]);
    expect(JSON.stringify(items)).not.toContain('u-1"');
    expect(items[2]?.terms?.SS).toEqual(expect.arrayContaining([term(TERM.tenant, 'default')]));
  });

  it('refuses a body over 256 KB when no body store is configured', async () => {
    // Prepare
    const { table } = await world.newLedger();
    const ledger = new DynamoLedger({ client: world.db.client, table });
    const records = sealedAfter(emptyHead('nostore'), 1, {
      body: () => ({ text: 'x'.repeat(MAX_INLINE_BODY_BYTES) }),
    });

    // Act
    const attempt = ledger.append(emptyHead('nostore'), records);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(await ledger.head('nostore')).toEqual(emptyHead('nostore'));
  });

  it.each([
    ['by scanning meta items', {}],
    ['through a sparse chains index', { chainsIndex: 'chains' }],
  ])('lists every chain %s, even chains named like bookkeeping keys', async (_, options) => {
    // Prepare
    const { ledger, table } = await world.newLedger(options);
    const names = ['app', 'evt#app-0', 'meta#app', 'lane#2'];
    for (const name of names) {
      await ledger.append(emptyHead(name), sealedAfter(emptyHead(name), 1, { ids: [`${name}/0`] }));
    }

    // Act
    const chains = await collect(ledger.chains());

    // Assess
    expect(chains.sort()).toEqual([...names].sort());
    for (const name of names) expect((await ledger.head(name)).seq).toBe(0);
    expect(await ledger.locate(['app-0'])).toEqual(new Map());
    // The bookkeeping item lives under the prefix IAM lets UpdateItem reach, which the
    // records of chain `meta#app` do not.
    expect(META_KEY_PREFIX.startsWith(' ')).toBe(true);
    const meta = await world.db.client.send(
      new GetItemCommand({
        TableName: table,
        Key: { chain: { S: `${META_KEY_PREFIX}app` }, seq: { N: '-1' } },
      }),
    );
    expect(meta.Item?.chain_name?.S).toBe('app');
  });
});

/** Resolves when a second caller arrives, or after `ms` for a caller left alone. */
const rendezvous = (ms: number) => {
  let waiting: (() => void) | undefined;
  return async (): Promise<void> => {
    const other = waiting;
    if (other) {
      waiting = undefined;
      other();
      return;
    }
    await new Promise<void>((resolve) => {
      waiting = resolve;
      setTimeout(() => {
        if (waiting === resolve) waiting = undefined;
        resolve();
      }, ms);
    });
  };
};

const meetingBeforeAppend = (ledger: DynamoLedger, meet: () => Promise<void>): LedgerPort =>
  withAppend(ledger, async (expected, records) => {
    await meet();
    return ledger.append(expected, records);
  });

const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Runs batches as an event source mapping would: a failed envelope is redelivered (with
 * the rest of its batch after it) until it settles; settled outcomes are returned. */
const runAll = async (
  batches: readonly Parameters<typeof processBatch>[0][],
  deps: Parameters<typeof processBatch>[1],
) => {
  const settled: EnvelopeOutcome[] = [];
  for (const batch of batches) {
    let todo = batch;
    for (let attempt = 0; todo.length > 0; attempt += 1) {
      if (attempt > 20) throw new Error('batch never settled');
      const outcomes = await processBatch(todo, deps);
      const firstFailed = outcomes.findIndex((o) => o.status === 'failed');
      const done = firstFailed < 0 ? outcomes : outcomes.slice(0, firstFailed);
      settled.push(...done);
      todo = todo.slice(done.length);
    }
  }
  return settled;
};
