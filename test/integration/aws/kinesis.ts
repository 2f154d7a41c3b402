/** Kinesis event factories in the exact shape Lambda's event source mapping delivers. */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

let sequence = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;

/** One Kinesis record: `data` is base64 of the given bytes or JSON value. */
export const kinesisRecord = (
  data: unknown,
  partitionKey: string,
  options: { raw?: boolean; shard?: string } = {},
): KinesisStreamRecord => {
  sequence += 1n;
  const bytes =
    options.raw === true
      ? Buffer.from(data as string | Uint8Array)
      : Buffer.from(JSON.stringify(data), 'utf8');
  const sequenceNumber = sequence.toString();
  const shard = options.shard ?? 'shardId-000000000006';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: bytes.toString('base64'),
      approximateArrivalTimestamp: 1_738_555_506.987,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shard}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::111122223333:role/processor',
    awsRegion: 'eu-west-1',
    eventSourceARN: 'arn:aws:kinesis:eu-west-1:111122223333:stream/audit-events',
  };
};

export const kinesisEvent = (records: readonly KinesisStreamRecord[]): KinesisStreamEvent => ({
  Records: [...records],
});
