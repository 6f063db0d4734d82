import { CreateBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { motoS3Client, startMoto } from '../helpers/moto.js';
import type { Service } from '../helpers/service.js';

describe('test stack: moto server', () => {
  let moto: Service;

  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('serves S3 on loopback to the real AWS SDK', async () => {
    expect(moto.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const s3 = motoS3Client(moto);
    await s3.send(new CreateBucketCommand({ Bucket: 'stack-check' }));
    const listed = await s3.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((bucket) => bucket.Name)).toContain('stack-check');
    s3.destroy();
  });

  it('stops: the port no longer answers', async () => {
    const url = moto.url;
    await moto.stop();
    await expect(fetch(`${url}/moto-api/data.json`)).rejects.toThrow();
  });
});
