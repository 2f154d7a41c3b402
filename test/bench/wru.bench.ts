/**
 * Write capacity per record, measured on DynamoDB Local: the real processor (processBatch)
 * on the real adapters (DynamoLedger, DynamoBodyKeys, S3Archive on s3rver), layout v2
 * (bodies sealed under body keys), ~3 KB decision logs, the ledger table created exactly
 * as the stack defines it (LedgerTable synthesized: every GSI and projection). Every write
 * asks ReturnConsumedCapacity=INDEXES and the units are summed per table and per index;
 * S3 PUTs are counted too. No timing: capacity units and requests are the figures.
 *
 *   node test/bench/wru.bench.ts [--records N]
 *
 * Scenarios: one application on one lane at Kinesis batch sizes 1, 10 and 100; the same
 * application over 4 lanes (batch 100); and many low-rate chains (each record of a batch
 * on its own chain), the shape of a deployment with many quiet applications.
 */

import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import {
  type AttributeValue,
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DynamoBodyKeys } from '#adapters/aws/dynamo-body-keys.ts';
import { DynamoLedger } from '#adapters/aws/dynamo-ledger.ts';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import type { IntakeEnvelope } from '#core/events/envelope.ts';
import { lanePlan } from '#core/events/lanes.ts';
import { withLane } from '#core/pipeline/chain-of.ts';
import { processBatch } from '#core/pipeline/process-batch.ts';
import { passThroughPolicy } from '#core/policy/engine.ts';
import { createBodySealer } from '#core/retention/body-sealer.ts';
import { DEFAULT_RETENTION_RULES } from '#core/retention/rules.ts';
import { SEARCH_INDEXES } from '#core/search/index-keys.ts';
import { LEDGER_INDEXES, LedgerTable } from '#lib/constructs/ledger-table.ts';
import type { LogPort } from '#ports/log.ts';
import { createBodyKeysTable, startDynamoDbLocal } from '#test/helpers/dynamodb-local.ts';
import { startS3rver } from '#test/helpers/s3rver.ts';

const { values } = parseArgs({ options: { records: { type: 'string', default: '400' } } });
const total = Number(values.records);

const silent: LogPort = { info: () => undefined, warn: () => undefined, error: () => undefined };
const filler = 'The applicant meets the minimum score; approval depends on the ratio. '.repeat(40);

/** A decision log of about 3 KB as JSON. */
const envelopeOf = (i: number, application: string): IntakeEnvelope => ({
  v: 1,
  route: 'decision_log',
  request_id: `req-${i}`,
  received_at: '2026-01-01T00:00:00.000Z',
  payload: {
    decision_id: `dec-${i.toString().padStart(10, '0')}`,
    application_id: application,
    timestamp: '2026-01-01T00:00:00Z',
    input: { query: filler.slice(0, 2600) },
    output: { decision: 'approve', reason: 'score above threshold' },
    metadata: { user_id: `user-${i % 1000}`, model: 'gpt-4o', session_id: `s-${i % 97}` },
  },
});

/** The ledger table's CreateTable input, from the construct the stack uses. */
const ledgerTableInput = (name: string) => {
  const stack = new Stack(new App(), 'Bench');
  new LedgerTable(stack, 'Ledger');
  const [table] = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'));
  const p = table?.Properties as Record<string, unknown> & {
    GlobalSecondaryIndexes: Record<string, unknown>[];
  };
  return new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: p.AttributeDefinitions as never,
    KeySchema: p.KeySchema as never,
    GlobalSecondaryIndexes: p.GlobalSecondaryIndexes.map((g) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema,
      Projection: g.Projection,
    })) as never,
  });
};

interface Consumed {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

type Item = Record<string, AttributeValue>;

/** Write units by component, and by partition (`table key` and `index key`), per scenario. */
class Meter {
  units = new Map<string, number>();
  partitions = new Map<string, number>();
  requests = new Map<string, number>();
  /** Standard write units of each record item written, by `chain|seq` (its head check). */
  itemUnits = new Map<string, number>();
  reset() {
    this.units.clear();
    this.partitions.clear();
    this.requests.clear();
  }
  add(key: string, n: number) {
    this.units.set(key, (this.units.get(key) ?? 0) + n);
  }
  addPartition(key: string, n: number) {
    this.partitions.set(key, (this.partitions.get(key) ?? 0) + n);
  }
  count(command: string) {
    this.requests.set(command, (this.requests.get(command) ?? 0) + 1);
  }
  total() {
    return [...this.units.values()].reduce((a, b) => a + b, 0);
  }
  hottest(prefix: string): [string, number] {
    return [...this.partitions]
      .filter(([k]) => k.startsWith(prefix))
      .reduce((a, b) => (b[1] > a[1] ? b : a), ['-', 0] as [string, number]);
  }
}

const WRITES = new Set([
  'TransactWriteItemsCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'BatchWriteItemCommand',
  'DeleteItemCommand',
]);

/** The GSI key attributes of the ledger table, by index name. */
const GSI_KEYS: Record<string, string> = {
  [LEDGER_INDEXES.byEventId]: 'event_id',
  [LEDGER_INDEXES.chains]: 'registry',
  ...Object.fromEntries(SEARCH_INDEXES.map((i) => [i.name, i.key])),
};
const keyText = (v: AttributeValue | undefined): string => v?.S ?? v?.N ?? '?';

/** Emulators on a loaded machine drop a connection now and then: try again (counted). */
let retries = 0;
const retried = async <T>(f: () => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await f();
    } catch (error) {
      if (attempt >= 5) throw error;
      retries++;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
};

/**
 * Standard writes (PutItem, UpdateItem) report their capacity on DynamoDB Local as DynamoDB
 * bills it (checked: 3 KB → 3, 6 KB → 6, an update → the larger item). A transaction does
 * not (DynamoDB Local reports the same 12 units for 1 or 10 items), so each of its Puts is
 * replayed as a PutItem on a shadow table of the same definition to measure the item and
 * its GSI entries, and billed as DynamoDB documents transactions: 2 units per 1 KB of each
 * item on the table (prepare + commit), a ConditionCheck like a write of the checked item;
 * GSI entries at the standard rate (1 per 1 KB of the projected entry).
 */
const meterDynamo = (client: DynamoDBClient, shadow: DynamoDBClient, meter: Meter) => {
  const record = (consumed: Consumed | Consumed[] | undefined, key: string, factor = 1) => {
    for (const c of [consumed ?? []].flat()) {
      const u = (c.Table?.CapacityUnits ?? c.CapacityUnits ?? 0) * factor;
      meter.add(`${(c.TableName ?? '?').replace(/-\d+(-shadow)?$/, '')} table`, u);
      meter.addPartition(`table ${key}`, u);
    }
  };
  const gsi = (consumed: Consumed | undefined, item: Item) => {
    for (const [index, u] of Object.entries(consumed?.GlobalSecondaryIndexes ?? {})) {
      const n = u.CapacityUnits ?? 0;
      meter.add(`ledger/${index}`, n);
      meter.addPartition(`${index} ${keyText(item[GSI_KEYS[index] ?? ''])}`, n);
    }
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      if (!WRITES.has(name)) return next(args);
      meter.count(name);
      const input = args.input as Record<string, unknown>;
      if (name !== 'TransactWriteItemsCommand') {
        input.ReturnConsumedCapacity = 'INDEXES';
        const out = await next(args);
        const key = keyText(
          ((input.Item ?? input.Key) as Item | undefined)?.chain ??
            (input.Item as Item | undefined)?.id,
        );
        record((out.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity, key);
        return out;
      }
      const out = await next(args);
      for (const t of (input as { TransactItems: TransactWriteItem[] }).TransactItems) {
        const put = t.Put;
        if (put) {
          const item = put.Item as Item;
          const measured = await retried(() =>
            shadow.send(
              new PutItemCommand({
                TableName: `${put.TableName}-shadow`,
                Item: item,
                ReturnConsumedCapacity: 'INDEXES',
              }),
            ),
          );
          const c = measured.ConsumedCapacity as Consumed | undefined;
          const units = c?.Table?.CapacityUnits ?? c?.CapacityUnits ?? 0;
          meter.itemUnits.set(`${keyText(item.chain)}|${keyText(item.seq)}`, units);
          record(c, keyText(item.chain), 2);
          gsi(c, item);
        } else if (t.ConditionCheck) {
          const k = t.ConditionCheck.Key as Item;
          const units = meter.itemUnits.get(`${keyText(k.chain)}|${keyText(k.seq)}`) ?? 1;
          meter.add('ledger table', 2 * units);
          meter.addPartition(`table ${keyText(k.chain)}`, 2 * units);
        } else throw new Error(`unmetered transaction item ${Object.keys(t)}`);
      }
      return out;
    },
    { step: 'initialize', name: 'wruMeter' },
  );
};

const meterS3 = (client: S3Client, meter: Meter) => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      meter.count(`s3:${(context.commandName ?? '').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'initialize', name: 's3Meter' },
  );
};

// Fail loudly: on a loaded machine an emulator may drop a connection past the retries
// ("socket hang up"); the bench then stops with that error, and is simply run again.
process.on('unhandledRejection', (error) => {
  console.error(error);
  process.exit(1);
});

const [db, s3] = await Promise.all([startDynamoDbLocal(), startS3rver(['archive'])]);
// s3rver closes idle keep-alive sockets, and a reused one hangs up as an uncaught 'error'
// event: this bench's own S3 client opens a connection per request.
const s3Client = new S3Client({
  endpoint: s3.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  maxAttempts: 5,
  requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: false }) }),
});
const meter = new Meter();
const shadow = db.newClient();
meterDynamo(db.client, shadow, meter);
meterS3(s3Client, meter);

interface Scenario {
  readonly name: string;
  readonly batch: number;
  /** The application of record i. */
  readonly app: (i: number) => string;
  readonly lanes?: number;
}

const scenarios: Scenario[] = [
  { name: '1 chain, batch 1', batch: 1, app: () => 'hot' },
  { name: '1 chain, batch 10', batch: 10, app: () => 'hot' },
  { name: '1 chain, batch 100', batch: 100, app: () => 'hot' },
  { name: '1 app over 4 lanes, batch 100', batch: 100, app: () => 'hot', lanes: 4 },
  { name: '100 chains, 1 record each per batch of 100', batch: 100, app: (i) => `app-${i % 100}` },
];

let run = 0;
const rows: string[][] = [];
try {
  for (const s of scenarios) {
    run++;
    const table = `ledger-${run}`;
    const keysTable = `body-keys-${run}`;
    await db.client.send(ledgerTableInput(table));
    await shadow.send(ledgerTableInput(`${table}-shadow`));
    await createBodyKeysTable(db.client, keysTable);
    const archive = new S3Archive({ client: s3Client, bucket: 'archive', prefix: table });
    const ledger = new DynamoLedger({
      client: db.client,
      table,
      bodyStore: archive,
      chainsIndex: LEDGER_INDEXES.chains,
    });
    const keys = new DynamoBodyKeys({ client: db.client, table: keysTable });
    const deps = {
      ledger,
      archive,
      policy: passThroughPolicy,
      alerts: { publish: async () => undefined },
      clock: { now: () => new Date('2026-01-01T00:00:01Z') },
      log: silent,
      retainUntil: (now: Date) => new Date(now.getTime() + 86_400_000),
      sealer: await createBodySealer(DEFAULT_RETENTION_RULES, keys),
    };
    const plan = lanePlan(s.lanes ?? 1);
    // A first batch opens the body keys and chain heads: not counted (steady state).
    const warm = Array.from({ length: s.batch }, (_, i) => envelopeOf(-1 - i, s.app(i)));
    await processBatch(
      warm.map((e) => withLane(e, e.request_id, plan)),
      deps,
    );
    meter.reset();
    const n = Math.max(s.batch, Math.floor(total / s.batch) * s.batch);
    for (let from = 0; from < n; from += s.batch) {
      const batch = Array.from({ length: s.batch }, (_, j) => {
        const e = envelopeOf(from + j, s.app(from + j));
        return withLane(e, `dec-${(from + j).toString().padStart(10, '0')}`, plan);
      });
      // A dropped connection fails the batch; a rerun records the rest (idempotent by
      // event id; its extra writes are counted, and the retries are printed).
      let outcomes = await retried(() => processBatch(batch, deps));
      for (let again = 0; again < 3 && outcomes.some((o) => o.status === 'failed'); again++) {
        retries++;
        outcomes = await retried(() => processBatch(batch, deps));
      }
      if (outcomes.some((o) => o.status !== 'recorded' && o.status !== 'duplicate')) {
        throw new Error(
          `not recorded: ${JSON.stringify(outcomes.find((o) => o.status !== 'recorded'))}`,
        );
      }
    }
    const batches = n / s.batch;
    const perRecord = meter.total() / n;
    const byPart = [...meter.units].map(([k, u]) => `${k} ${(u / n).toFixed(2)}`).join(', ');
    const puts = meter.requests.get('s3:PutObject') ?? 0;
    // The busiest partition of the table (a chain's records and head checks) and of any GSI,
    // in units per record that lands there: 1,000 units/s per partition bounds its rate.
    const chains = new Set(Array.from({ length: n }, (_, i) => s.app(i))).size * (s.lanes ?? 1);
    const [hotKey, hotUnits] = meter.hottest('table ');
    const perChainRecord = hotUnits / (n / chains);
    const [gsiKey, gsiUnits] = [...meter.partitions]
      .filter(([k]) => !k.startsWith('table '))
      .reduce((a, b) => (b[1] > a[1] ? b : a), ['-', 0] as [string, number]);
    rows.push([
      s.name,
      String(n),
      perRecord.toFixed(2),
      (meter.total() / batches).toFixed(1),
      perChainRecord.toFixed(2),
      String(Math.floor(1000 / perChainRecord)),
      `${gsiKey.split(' ')[0]} ${(gsiUnits / n).toFixed(2)}`,
      (puts / batches).toFixed(2),
    ]);
    console.log(
      `${s.name}: ${n} records, ${perRecord.toFixed(2)} WRU/record, ${(meter.total() / batches).toFixed(1)} WRU/batch, ${(puts / batches).toFixed(2)} S3 PUTs/batch; requests ${JSON.stringify(Object.fromEntries(meter.requests))}`,
    );
    console.log(`  per record: ${byPart}`);
    console.log(
      `  busiest table partition ${hotKey}: ${perChainRecord.toFixed(2)} WRU per record of its chain; busiest GSI partition ${gsiKey}: ${(gsiUnits / n).toFixed(2)} WRU per record`,
    );
  }
} finally {
  await Promise.all([db.stop(), s3.stop()]);
}
console.log(
  '\n| scenario | records | WRU/record | WRU/batch | WRU/record on its chain partition | records/s per chain at 1,000 WRU/s | busiest GSI partition, WRU/record | S3 PUTs/batch |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(
  `\nretries after dropped emulator connections: ${retries} (0: every unit counted once)`,
);
