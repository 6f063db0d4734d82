import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { motoS3Client, startMoto } from '../helpers/moto.js';
import type { Service } from '../helpers/service.js';

export interface MotoBucket {
  moto: Service;
  /** Every `s3://<bucket>/<key>` under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** A moto S3 server on loopback with `bucket` created, and a way to see what landed in it. */
export async function startMotoBucket(bucket: string): Promise<MotoBucket> {
  const moto = await startMoto();
  const s3 = motoS3Client(moto);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    s3.destroy();
    await moto.stop();
    throw error;
  }
  return {
    moto,
    list: async (prefix) => {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (listed.Contents ?? []).map((object) => `s3://${bucket}/${object.Key}`).sort();
    },
    stop: async () => {
      s3.destroy();
      await moto.stop();
    },
  };
}
