import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runAction, type RunActionOptions } from '../helpers/run-action.js';
import { MOTO_CREDENTIALS } from '../helpers/moto.js';
import { startMotoBucket, type MotoBucket } from './moto-bucket.js';
import { freePort, type Service } from '../helpers/service.js';
import { TEST_TOOL_CACHE, makeRepo, type DvcRepo } from './fixtures.js';
import { scaled } from '../helpers/timeouts.js';

const INSTALL_TIMEOUT = 420_000;

/** The bundle, run as the runner runs it, with the shared test tool cache. */
function dvcPush(cwd: string, inputs: RunActionOptions['inputs'], env: RunActionOptions['env'] = {}) {
  return runAction('dvc-push', {
    cwd,
    inputs,
    env: { RUNNER_TOOL_CACHE: TEST_TOOL_CACHE, ...env },
    timeoutMs: INSTALL_TIMEOUT - 20_000,
  });
}

describe('dvc-push bundle: bad inputs fail at once, naming the input and the accepted form', () => {
  let repo: DvcRepo;
  beforeAll(() => {
    repo = makeRepo();
  });
  afterAll(() => repo.cleanup());

  it.each([
    [{ jobs: '-1' }, `Input 'jobs' has invalid value "-1": expected an integer from 1 to 512`],
    [{ remote: 'typo' }, `Input 'remote' has invalid value "typo": expected one of the configured remotes (local)`],
    [{ 'working-directory': 'no/such/dir' }, `Input 'working-directory' has invalid value "no/such/dir"`],
    [
      { 'dvc-version': '2.58.2' },
      `Input 'dvc-version' has invalid value "2.58.2": expected a DVC 3 release like 3.67.1`,
    ],
    [
      { 'remote-url': 's3:/bucket' },
      `Input 'remote-url' has invalid value "s3:/bucket": expected an absolute path or a URL`,
    ],
    [{ retries: 'many' }, `Input 'retries' has invalid value "many"`],
    [{ targets: 'data/nope.txt' }, `Input 'targets': Target 'data/nope.txt' is not tracked by DVC`],
  ])('%j', async (inputs, message) => {
    const result = await dvcPush(repo.root, inputs);
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain(message);
    expect(result.stdout).not.toContain('Install DVC');
  });

  it('does not echo credentials from a malformed remote-url', async () => {
    const result = await dvcPush(repo.root, { 'remote-url': 'ftp://alice:hunter2@host/x?sig=SECRET' });
    expect(result.errors[0]).toContain(`Input 'remote-url' has invalid value "ftp://host/x"`);
    const printed = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(printed.join('\n')).not.toMatch(/hunter2|SECRET/);
    expect(result.masks).toEqual(expect.arrayContaining(['hunter2', 'sig=SECRET']));
  });

  it('refuses a folder that is not a DVC repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'not-dvc-'));
    try {
      const result = await dvcPush(plain, {});
      expect(result.errors[0]).toMatch(/^Input 'working-directory' points at .*, which is not a DVC repository/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('refuses a working-directory outside the workspace and writes nothing there, unless allow-outside-workspace', async () => {
    const outside = makeRepo({ remote: false });
    const workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
    try {
      const path = relative(workspace, outside.root);
      const result = await dvcPush(workspace, { 'working-directory': path, 'remote-url': outside.remoteDir });
      expect(result.exitCode).toBe(1);
      expect(result.errors).toEqual([
        `Input 'working-directory' has invalid value ${JSON.stringify(path)}: expected a directory inside the workspace ${workspace} (this one resolves to ${outside.root}); set allow-outside-workspace: true to use it anyway`,
      ]);
      expect(existsSync(join(outside.root, '.dvc', 'config.local'))).toBe(false);
      expect(result.stdout).not.toContain('Install DVC');

      const allowed = await dvcPush(workspace, { 'working-directory': path, 'allow-outside-workspace': true });
      expect(allowed.errors[0]).toMatch(/^No DVC remote is configured/);
    } finally {
      outside.cleanup();
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('fails when no remote is configured, before installing DVC, saying which input to set', async () => {
    const bare = makeRepo({ remote: false });
    try {
      const result = await dvcPush(bare.root, {});
      expect(result.exitCode).toBe(1);
      expect(result.errors[0]).toMatch(/^No DVC remote is configured: pass 'remote-url'/);
    } finally {
      bare.cleanup();
    }
  });
});

describe('dvc-push bundle with a local directory remote', () => {
  let repo: DvcRepo;
  beforeAll(() => {
    repo = makeRepo();
  });
  afterAll(() => repo.cleanup());

  it(
    'pushes files and a directory, reports them, and the second run reuses the installation without pip',
    async () => {
      const first = await dvcPush(repo.root, {});
      expect(first.errors).toEqual([]);
      expect(first.exitCode).toBe(0);
      expect(first.outputs).toMatchObject({
        'pushed-count': '5',
        'already-present-count': '0',
        remote: 'local',
        'remote-url': repo.remoteDir,
        'dvc-version': '3.67.1',
      });
      const pushed = JSON.parse(first.outputs.pushed!) as { path: string; md5: string; size: number; object: string }[];
      expect(pushed.map((file) => file.path)).toEqual([
        'data/a.txt',
        'data/b.bin',
        'data/images/deep/three.txt',
        'data/images/one.txt',
        'data/images/two.txt',
      ]);
      for (const file of pushed) expect(readFileSync(file.object)).toEqual(readFileSync(join(repo.root, file.path)));
      expect(first.summary).toContain('5 file(s) + 1 dir manifest(s)');
      expect(first.summary).toContain('`data/images/deep/three.txt`');

      // Any pip call would now fail: its index is a closed loopback port and there are no local wheels.
      const closedIndex = {
        PIP_INDEX_URL: `http://127.0.0.1:${await freePort()}/simple`,
        PIP_FIND_LINKS: '',
        PIP_RETRIES: '0',
      };
      const second = await dvcPush(repo.root, {}, closedIndex);
      expect(second.errors).toEqual([]);
      expect(second.stdout).toMatch(/DVC 3\.67\.1: tool-cache/);
      expect(second.stdout).toContain('The Actions cache service is not available here');
      expect(second.outputs).toMatchObject({ 'pushed-count': '0', 'already-present-count': '5', pushed: '[]' });
      expect(second.stdout).toContain('Everything is already in the remote');

      // The same closed index with an empty tool cache: the cross-job cache is asked first (here
      // unreachable: a warning), then pip is called, and fails.
      const emptyCache = mkdtempSync(join(tmpdir(), 'tool-cache-'));
      try {
        const cacheService = `http://127.0.0.1:${await freePort()}/`;
        const cold = await dvcPush(
          repo.root,
          {},
          {
            ...closedIndex,
            RUNNER_TOOL_CACHE: emptyCache,
            ACTIONS_RUNTIME_TOKEN: 'token',
            ACTIONS_CACHE_URL: cacheService,
          },
        );
        expect(cold.exitCode).toBe(1);
        expect(cold.warnings).toEqual([expect.stringMatching(/^Failed to restore: .*ECONNREFUSED/)]);
        expect(cold.errors[0]).toMatch(/pip install dvc==3\.67\.1 failed/);
      } finally {
        rmSync(emptyCache, { recursive: true, force: true });
      }
    },
    scaled(INSTALL_TIMEOUT),
  );

  it(
    'fails when data is missing from the local cache, listing it, and pushes nothing',
    async () => {
      const fresh = makeRepo();
      try {
        const cached = join(fresh.root, '.dvc', 'cache', 'files', 'md5');
        rmSync(cached, { recursive: true });
        const result = await dvcPush(fresh.root, {});
        expect(result.exitCode).toBe(1);
        // Without its .dir manifest the directory counts as one object: its files cannot be listed.
        expect(result.errors[0]).toMatch(/^3 tracked object\(s\) are in neither the local cache nor the remote/);
        expect(result.errors[0]).toMatch(/data\/a\.txt \(\w+\), data\/b\.bin \(\w+\), data\/images\/ \(\w+\.dir\)/);
        expect(result.errors[0]).toContain("Run 'dvc pull'");
        expect(result.outputs['pushed-count']).toBe('0');
        expect(result.summary).toContain('dvc push failed');
      } finally {
        fresh.cleanup();
      }
    },
    scaled(INSTALL_TIMEOUT),
  );
});

describe('dvc-push bundle with moto S3', () => {
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

  it(
    'configures the remote in config.local only, pushes, and warns about static keys overriding the environment',
    async () => {
      const committed = readFileSync(join(repo.root, '.dvc', 'config'), 'utf8');
      writeFileSync(
        join(repo.root, '.dvc', 'config.local'),
        `['remote "storage"']\n    access_key_id = testing\n    secret_access_key = static-secret-value\n`,
      );
      const result = await dvcPush(
        repo.root,
        { 'remote-url': 's3://models/store', 'endpoint-url': moto.url, region: 'us-east-1', jobs: 4 },
        { ...MOTO_CREDENTIALS, AWS_EC2_METADATA_DISABLED: 'true' },
      );
      expect(result.errors).toEqual([]);
      expect(result.outputs).toMatchObject({
        'pushed-count': '5',
        remote: 'storage',
        'remote-url': 's3://models/store',
      });
      expect(result.warnings).toEqual([
        expect.stringMatching(
          /^\.dvc\/config\.local sets remote\.storage\.access_key_id, remote\.storage\.secret_access_key, which DVC uses instead/,
        ),
      ]);
      expect(result.masks).toContain('static-secret-value');
      expect(readFileSync(join(repo.root, '.dvc', 'config'), 'utf8')).toBe(committed);
      expect(readFileSync(join(repo.root, '.dvc', 'config.local'), 'utf8')).toContain(`endpointurl = ${moto.url}`);

      const keys = await bucket.list('store/files/md5/');
      for (const file of JSON.parse(result.outputs.pushed!) as { object: string }[])
        expect(keys).toContain(file.object);
      expect(keys).toHaveLength(6);
    },
    scaled(INSTALL_TIMEOUT),
  );
});
