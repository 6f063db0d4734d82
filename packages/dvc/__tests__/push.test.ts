import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readRepoConfig, updateLocalConfig } from '../src/config.js';
import { planPush } from '../src/plan.js';
import { dvc, makeRepo, type DvcRepo } from '../../../test/dvc/fixtures.js';
import { pushWithRealDvc as push } from '../../../test/dvc/push-helper.js';
import { MOTO_CREDENTIALS } from '../../../test/helpers/moto.js';
import { startUpstream } from '../../../test/helpers/upstream.js';

describe('pushData with the real DVC to a local directory remote', () => {
  let repo: DvcRepo;
  beforeAll(() => {
    repo = makeRepo();
  });
  afterAll(() => repo.cleanup());

  it('pushes a subset of targets, then the rest, then nothing on a re-run', async () => {
    const subset = await push(repo.root, { targets: ['data/a.txt', 'data/b.bin.dvc'] });
    expect(subset.result.failure).toBeUndefined();
    expect(subset.result.pushed.map((f) => f.path)).toEqual(['data/a.txt', 'data/b.bin']);

    const { result, logs } = await push(repo.root);
    expect(result.failure).toBeUndefined();
    expect(result.pushed.map((f) => f.path)).toEqual([
      'data/images/deep/three.txt',
      'data/images/one.txt',
      'data/images/two.txt',
    ]);
    expect(result.manifestsPushed).toBe(1);
    expect(result.alreadyPresentCount).toBe(2);
    for (const file of result.pushed) {
      expect(file.object).toBe(join(repo.remoteDir, 'files', 'md5', file.md5.slice(0, 2), file.md5.slice(2)));
      expect(existsSync(file.object)).toBe(true);
    }
    expect(subset.result.pushed[1]).toMatchObject({ size: 3000, remote: 'local' });
    expect(result.pushed[0]).toMatchObject({ size: 18, remote: 'local' });
    expect(logs).not.toMatch(/DVC reported/);

    const again = await push(repo.root);
    expect(again.result).toMatchObject({ pushed: [], alreadyPresentCount: 5, skipped: true });
    expect(again.result.failure).toBeUndefined();
  });
});

describe('what dvc push silently skips', () => {
  let repo: DvcRepo;
  beforeAll(() => {
    repo = makeRepo();
  });
  afterAll(() => repo.cleanup());

  it('fails when a granular push left a directory manifest in the remote and DVC then skips its other files', async () => {
    const granular = await push(repo.root, { targets: ['data/images/deep'] });
    expect(granular.result.pushed.map((f) => f.path)).toEqual(['data/images/deep/three.txt']);
    expect(granular.result.manifestsPushed).toBe(1);

    // DVC 3 now takes the directory as complete: "Everything is up to date", exit 0.
    const { result } = await push(repo.root, { targets: ['data/images'] });
    expect(result.failure).toMatchObject({ category: 'not-verified' });
    expect(result.stillMissing.map((o) => o.path)).toEqual(['data/images/one.txt', 'data/images/two.txt']);
    expect(result.failure!.hint).toContain(`${join(repo.remoteDir, 'files', 'md5')}`);
    expect(result.pushed).toEqual([]);
  });
});

describe('a failed dvc push', () => {
  let repo: DvcRepo;
  beforeAll(() => {
    repo = makeRepo();
  });
  afterAll(() => repo.cleanup());

  it('is retried as a whole with backoff when the failure is transient', async () => {
    // The first two attempts really run DVC against an S3 endpoint that answers every request 503
    // (held by this test for its whole run, so no other process can take its port).
    const down = await startUpstream(() => ({
      status: 503,
      type: 'application/xml',
      body: '<Error><Code>ServiceUnavailable</Code><Message>Service is unavailable</Message></Error>',
    }));
    try {
      updateLocalConfig(join(repo.root, '.dvc'), 'remote "down"', {
        url: 's3://bucket/store',
        endpointurl: down.url,
        region: 'us-east-1',
      });
      let calls = 0;
      const delays: number[] = [];
      const { result } = await push(repo.root, {
        retries: 2,
        env: { ...MOTO_CREDENTIALS, AWS_MAX_ATTEMPTS: '1', AWS_EC2_METADATA_DISABLED: 'true' },
        random: () => 0.5,
        sleep: async (ms) => {
          delays.push(ms);
        },
        wrap: (real) => ({
          dvc: (argv) => (++calls < 3 ? real.dvc(argv.map((arg) => (arg === 'local' ? 'down' : arg))) : real.dvc(argv)),
          exists: (groups, jobs) => real.exists(groups, jobs),
        }),
      });
      expect(result.attempts).toBe(3);
      expect(delays).toEqual([1000, 2000]);
      expect(result.failure).toBeUndefined();
      expect(result.pushed).toHaveLength(5);
      expect(down.requests).toBeGreaterThan(0);
    } finally {
      await down.stop();
    }
  });

  it('is not retried when retrying cannot help, and is reported with its category and hint', async () => {
    const fresh = makeRepo();
    try {
      updateLocalConfig(join(fresh.root, '.dvc'), 'remote "nocreds"', {
        url: 's3://bucket/store',
        region: 'us-east-1',
      });
      const { result } = await push(fresh.root, {
        remote: 'nocreds',
        retries: 2,
        env: {
          AWS_ACCESS_KEY_ID: '',
          AWS_SECRET_ACCESS_KEY: '',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
          AWS_CONFIG_FILE: '/nonexistent',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        // Past the check before the push, which would stop on the same error.
        wrap: (real) => ({ dvc: (argv) => real.dvc(argv), exists: async () => [] }),
      });
      expect(result.attempts).toBe(1);
      expect(result.failure).toMatchObject({ category: 'credentials', exitCode: 255 });
      expect(result.failure!.hint).toMatch(/configure-aws-credentials/);
      expect(result.pushed).toEqual([]);
    } finally {
      fresh.cleanup();
    }
  });
});

describe('missing local cache', () => {
  let repo: DvcRepo;
  beforeAll(() => {
    repo = makeRepo();
  });
  afterAll(() => repo.cleanup());

  it('fails before pushing, listing what is missing; allow-missing-cache pushes the rest', async () => {
    const plan = planPush(repo.root, readRepoConfig(join(repo.root, '.dvc')), 'local', ['data/a.txt']);
    rmSync(plan.objects[0]!.cachePath);

    const refused = await push(repo.root);
    expect(refused.result.failure).toMatchObject({ category: 'missing-cache' });
    expect(refused.result.failure!.message).toContain(`data/a.txt (${plan.objects[0]!.md5})`);
    expect(refused.result.pushed).toEqual([]);
    expect(readFileSync(join(repo.root, 'data', 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(dvc(repo.root, ['status', '-c', '--json'])).toContain('"data/b.bin": "new"');

    const allowed = await push(repo.root, { allowMissingCache: true });
    expect(allowed.result.failure).toBeUndefined();
    expect(allowed.result.pushed).toHaveLength(4);
    expect(allowed.result.missing.map((o) => o.path)).toEqual(['data/a.txt']);
  });
});

describe('the legacy (DVC 2) layout', () => {
  let repo: DvcRepo;
  beforeAll(() => {
    repo = makeRepo({ files: {} });
  });
  afterAll(() => repo.cleanup());

  it('pushes an md5-dos2unix object to the remote root, where it reports it', async () => {
    const md5 = '9a0364b9e99bb480dd25e1f0284c8555'; // md5("content")
    writeFileSync(join(repo.root, 'old.txt'), 'content');
    writeFileSync(join(repo.root, 'old.txt.dvc'), `outs:\n- md5: ${md5}\n  size: 7\n  path: old.txt\n`);
    mkdirSync(join(repo.root, '.dvc', 'cache', '9a'), { recursive: true });
    writeFileSync(join(repo.root, '.dvc', 'cache', '9a', md5.slice(2)), 'content');
    const { result } = await push(repo.root);
    expect(result.failure).toBeUndefined();
    expect(result.pushed).toEqual([
      { path: 'old.txt', md5, size: 7, remote: 'local', object: join(repo.remoteDir, '9a', md5.slice(2)) },
    ]);
    expect(existsSync(join(repo.remoteDir, '9a', md5.slice(2)))).toBe(true);
  });
});
