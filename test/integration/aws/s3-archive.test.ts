import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Archive } from '#adapters/aws/s3-archive.ts';
import { ArchiveConflictError } from '#ports/archive.ts';
import { collect } from '#test/helpers/collect.ts';
import { type LocalS3, startS3rver } from '#test/helpers/s3rver.ts';

let s3: LocalS3;

beforeAll(async () => {
  s3 = await startS3rver(['worm']);
});

afterAll(async () => {
  await s3?.stop();
});

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined): string | undefined =>
  data === undefined ? undefined : new TextDecoder().decode(data);
let n = 0;
const fresh = (): S3Archive =>
  new S3Archive({ client: s3.client, bucket: 'worm', prefix: `t${++n}` });

describe('S3Archive on s3rver', () => {
  it('puts, gets, lists in key order and streams objects under its prefix', async () => {
    // Prepare
    const archive = fresh();
    const big = 'x'.repeat(3 * 1024 * 1024);

    // Act
    const created = [
      await archive.put('chains/b/segments/000000000002.jsonl', bytes('two\n')),
      await archive.put('chains/b/segments/000000000000.jsonl', bytes('zero\n')),
      await archive.put('chains/a/checkpoints/000000000001.ckpt', bytes('ckpt\n')),
      await archive.put('quarantine/2025-01-01/big.bin', bytes(big)),
    ];

    // Assess
    expect(created).toEqual(['created', 'created', 'created', 'created']);
    expect(text(await archive.get('chains/b/segments/000000000000.jsonl'))).toBe('zero\n');
    expect(await archive.get('chains/b/segments/000000000001.jsonl')).toBeUndefined();
    expect(await collect(archive.list('chains/b/'))).toEqual([
      'chains/b/segments/000000000000.jsonl',
      'chains/b/segments/000000000002.jsonl',
    ]);
    expect(await collect(archive.list(''))).toHaveLength(4);
    expect(
      await collect(archive.list('chains/', { startAfter: 'chains/b/segments/000000000001' })),
    ).toEqual(['chains/b/segments/000000000002.jsonl']);
    const chunks = await collect(archive.stream('quarantine/2025-01-01/big.bin'));
    expect(Buffer.concat(chunks).toString()).toBe(big);
    expect(archive.uriOf('k/v.json')).toBe(`s3://worm/t${n}/k/v.json`);
  });

  it('lists across pages', async () => {
    // Prepare
    const archive = fresh();
    const keys = [...Array(1005).keys()].map((i) => `p/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 8) {
      await Promise.all(
        keys
          .slice(i, i + 8)
          .map((key) =>
            s3.client.send(
              new PutObjectCommand({ Bucket: 'worm', Key: `${archive.prefix}${key}`, Body: key }),
            ),
          ),
      );
    }

    // Act
    const listed = await collect(archive.list('p/'));

    // Assess
    expect(listed).toEqual(keys);
  });

  it('is write-once: an identical retry exists, different bytes conflict and change nothing', async () => {
    // Prepare
    const archive = fresh();
    const key = 'chains/c/segments/000000000000.jsonl';
    await archive.put(key, bytes('original\n'));

    // Act
    const retry = await archive.put(key, bytes('original\n'));
    const overwrite = archive.put(key, bytes('tampered\n'));

    // Assess
    expect(retry).toBe('exists');
    await expect(overwrite).rejects.toEqual(new ArchiveConflictError(key));
    expect(text(await archive.get(key))).toBe('original\n');
  });

  it('sends Object Lock COMPLIANCE, the retain-until date, a SHA-256 checksum and If-None-Match', async () => {
    // Prepare
    const archive = fresh();
    const retainUntil = new Date('2032-05-06T07:08:09.000Z');
    const body = bytes('{"seq":0}\n');
    s3.requests.length = 0;

    // Act
    await archive.put('chains/h/segments/000000000000.jsonl', body, {
      contentType: 'application/x-ndjson',
      retainUntil,
    });
    await archive.put('keys/no-retention.vkey', bytes('vkey'));

    // Assess
    await s3.settled();
    const puts = s3.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.url.split('?')[0])).toEqual([
      `/worm/t${n}/chains/h/segments/000000000000.jsonl`,
      `/worm/t${n}/keys/no-retention.vkey`,
    ]);
    const [locked, plain] = puts.map((r) => r.headers);
    expect(locked).toMatchObject({
      'x-amz-object-lock-mode': 'COMPLIANCE',
      'x-amz-object-lock-retain-until-date': '2032-05-06T07:08:09Z',
      'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64'),
      'if-none-match': '*',
      'content-type': 'application/x-ndjson',
    });
    expect(locked?.['content-encoding']).toBeUndefined();
    expect(plain?.['x-amz-object-lock-mode']).toBeUndefined();
    expect(plain?.['if-none-match']).toBe('*');
    expect(text(await archive.get('chains/h/segments/000000000000.jsonl'))).toBe('{"seq":0}\n');
  });

  it('fails a stream of a missing key loudly', async () => {
    // Prepare
    const archive = fresh();

    // Act
    const reading = collect(archive.stream('nope'));

    // Assess
    await expect(reading).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
