import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { updateLocalConfig } from '../../packages/dvc/src/config.js';
import { pushWithRealDvc as push } from './push-helper.js';
import { makeRepo, type DvcRepo } from './fixtures.js';
import { MOTO_CREDENTIALS, startMoto } from '../helpers/moto.js';
import type { Service } from '../helpers/service.js';

describe('pushData with the real DVC to moto S3', () => {
  let moto: Service;
  let repo: DvcRepo;
  let s3: S3Client;
  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client({
      endpoint: moto.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'models' }));
    repo = makeRepo({ remote: false });
  });
  afterAll(async () => {
    s3?.destroy();
    repo?.cleanup();
    await moto?.stop();
  });
  const s3Remote = (name: string, bucket: string) =>
    updateLocalConfig(join(repo.root, '.dvc'), `remote "${name}"`, {
      url: `s3://${bucket}/store`,
      endpointurl: moto.url,
      region: 'us-east-1',
    });
  const env = { ...MOTO_CREDENTIALS, AWS_EC2_METADATA_DISABLED: 'true' };

  it('fails clearly on a bucket that does not exist, and reports nothing pushed', async () => {
    s3Remote('nobucket', 'no-such-bucket');
    const { result } = await push(repo.root, { remote: 'nobucket', env });
    expect(result.pushed).toEqual([]);
    expect(result.failure).toMatchObject({
      category: 'remote-not-found',
      message: expect.stringMatching(/Could not ask the remote .*: .*bucket does not exist/),
      hint: expect.stringMatching(/create it, or fix the remote URL/),
    });
  });

  it('pushes files and a directory output, at the object paths it reports', async () => {
    s3Remote('s3', 'models');
    const { result } = await push(repo.root, { remote: 's3', env, jobs: 4 });
    expect(result.failure).toBeUndefined();
    expect(result.pushed).toHaveLength(5);
    expect(result.manifestsPushed).toBe(1);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'models', Prefix: 'store/' }));
    const keys = (listed.Contents ?? []).map((o) => `s3://models/${o.Key}`).sort();
    expect(keys).toHaveLength(6);
    for (const file of result.pushed) expect(keys).toContain(file.object);

    const again = await push(repo.root, { remote: 's3', env });
    expect(again.result).toMatchObject({ pushed: [], alreadyPresentCount: 5, skipped: true });
  });
});
