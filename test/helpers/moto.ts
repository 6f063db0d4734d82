import { S3Client } from '@aws-sdk/client-s3';
import { venvBin } from './paths.js';
import { startService, type Service } from './service.js';

/** Credentials moto accepts; never real ones. */
export const MOTO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
};

/** The moto server (S3, ECR and the rest of its services) on loopback. */
export function startMoto(): Promise<Service> {
  return startService({
    name: 'moto',
    command: venvBin('moto', 'moto_server'),
    args: (port) => ['-H', '127.0.0.1', '-p', String(port)],
    env: { ...MOTO_CREDENTIALS },
    readyPath: '/moto-api/data.json',
    isReady: (status) => status === 200,
  });
}

/** Environment for an AWS SDK or CLI client talking to this moto server. */
export function motoEnv(moto: Service): Record<string, string> {
  return { ...MOTO_CREDENTIALS, AWS_ENDPOINT_URL: moto.url, AWS_EC2_METADATA_DISABLED: 'true' };
}

/** An S3 client of the real AWS SDK for this moto server (path-style, moto's credentials). */
export function motoS3Client(moto: Service): S3Client {
  return new S3Client({
    endpoint: moto.url,
    region: MOTO_CREDENTIALS.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID,
      secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
    },
  });
}
