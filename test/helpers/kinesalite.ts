/**
 * Kinesis for integration tests: kinesalite (in memory) on a free port of 127.0.0.1, one
 * instance per test file. The SDK v3 client speaks HTTP/1.1 to it (NodeHttpHandler), since
 * kinesalite has no HTTP/2.
 */
import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import kinesalite from 'kinesalite';

export interface LocalKinesis {
  readonly endpoint: string;
  readonly client: KinesisClient;
  /** Creates an ACTIVE stream and answers its ARN and shards. */
  createStream(name: string, shards: number): Promise<{ arn: string; shards: Shard[] }>;
  stop(): Promise<void>;
}

export const startKinesalite = async (): Promise<LocalKinesis> => {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new KinesisClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler(),
  });
  const describe = async (name: string) =>
    (await client.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription;
  return {
    endpoint,
    client,
    createStream: async (name, shards) => {
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      for (let i = 0; (await describe(name))?.StreamStatus !== 'ACTIVE'; i++) {
        if (i > 200) throw new Error(`stream ${name} did not become active`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const description = await describe(name);
      return { arn: description?.StreamARN ?? '', shards: description?.Shards ?? [] };
    },
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
