import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { updateLocalConfig } from '../../packages/dvc/src/config.js';
import { pushWithRealDvc as push } from './push-helper.js';
import { makeRepo, type DvcRepo } from './fixtures.js';
import { MOTO_CREDENTIALS } from '../helpers/moto.js';
import { startMotoBucket, type MotoBucket } from './moto-bucket.js';
import type { Service } from '../helpers/service.js';

describe('pushData with the real DVC to moto S3', () => {
  let bucket: MotoBucket;
  let moto: Service;
  let repo: DvcRepo;
  beforeAll(async () => {
    bucket = await startMotoBucket('models');
    moto = bucket.moto;
    repo = makeRepo({ remote: false });
  });
  afterAll(async () => {
    repo?.cleanup();
    await bucket?.stop();
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
    const keys = await bucket.list('store/');
    expect(keys).toHaveLength(6);
    for (const file of result.pushed) expect(keys).toContain(file.object);

    const again = await push(repo.root, { remote: 's3', env });
    expect(again.result).toMatchObject({ pushed: [], alreadyPresentCount: 5, skipped: true });
  });
});
