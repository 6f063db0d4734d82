import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { memoryLogger } from '@mlops-actions/action-kit/logger';
import {
  BumpError,
  GitBranchWriter,
  commitRaceSafe,
  gitAuthEnv,
  gitBasicCredential,
  gitRunner,
  parseImageRef,
  remoteWebUrl,
  type BumpRequest,
  type GitRun,
} from '../src/index.js';
import { testDeadline } from '../../../test/helpers/deadline.js';
import { LocalRemote, git, predictorOf } from './git-helpers.js';

const ROOMY = testDeadline();
const FAST = { maxAttempts: 25, baseDelayMs: 20, maxDelayMs: 300 };

function isvcDoc(i: number): string {
  return [
    '---',
    `# service ${i}`,
    'apiVersion: serving.kserve.io/v1beta1',
    'kind: InferenceService',
    'metadata:',
    `  name: svc-${i}`,
    'spec:',
    '  predictor:',
    '    containers:',
    '      - name: kserve-container',
    `        image: ghcr.io/acme/svc-${i}:1.0.0 # {"$imagepolicy": "flux-system:svc-${i}"}`,
    '',
  ].join('\n');
}
const MANIFEST = Array.from({ length: 10 }, (_, i) => isvcDoc(i)).join('');

function request(i: number, tag = '2.0.0'): BumpRequest {
  return {
    target: predictorOf(`svc-${i}`),
    image: parseImageRef(`ghcr.io/acme/svc-${i}:${tag}`),
  };
}

function writer(clone: string, run: GitRun = gitRunner(clone, ROOMY), logger = memoryLogger()) {
  return new GitBranchWriter({
    git: run,
    branch: 'main',
    logger,
    webUrl: 'https://github.com/acme/gitops',
  });
}

/** Everything a failed or refused update must leave alone: HEAD, branch, index, work tree, untracked. */
function checkoutState(clone: string) {
  return {
    head: git(clone, 'rev-parse', 'HEAD'),
    branch: git(clone, 'symbolic-ref', 'HEAD'),
    status: git(clone, 'status', '--porcelain=v2', '--untracked-files=all'),
    staged: git(clone, 'diff', '--cached'),
    unstaged: git(clone, 'diff'),
    files: Object.fromEntries(
      ['apps/isvcs.yaml', 'README.md', 'untracked.txt'].map((path) => [
        path,
        existsSync(join(clone, path)) ? readFileSync(join(clone, path), 'utf8') : undefined,
      ]),
    ),
  };
}

const remotes: LocalRemote[] = [];
afterAll(() => remotes.forEach((remote) => remote.remove()));
function remote(): LocalRemote {
  const created = new LocalRemote({ 'apps/isvcs.yaml': MANIFEST, 'README.md': '# gitops\n' });
  remotes.push(created);
  return created;
}

describe('git method against real bare repositories', () => {
  it('10 concurrent bumps of different services in one file: all land, linear history, nothing lost', async () => {
    const origin = remote();
    const clones = Array.from({ length: 10 }, () => origin.clone());
    const results = await Promise.all(
      clones.map((clone, i) =>
        commitRaceSafe(writer(clone), {
          request: request(i),
          bumpId: `run-1.${i}`,
          logger: memoryLogger(),
          retry: FAST,
        }),
      ),
    );
    expect(results.every((r) => r.changed && r.commit?.sha)).toBe(true);
    expect(new Set(results.map((r) => r.commit!.sha)).size).toBe(10);
    expect(git(origin.bare, 'rev-list', '--count', 'main')).toBe('11');
    expect(git(origin.bare, 'rev-list', '--merges', 'main')).toBe('');
    // Every bump landed on top of the others, byte-exact: exactly the ten image lines changed.
    expect(origin.show('apps/isvcs.yaml')).toBe(MANIFEST.replace(/:1\.0\.0 #/g, ':2.0.0 #'));
    for (const result of results) {
      const files = git(origin.bare, 'diff-tree', '--no-commit-id', '--name-only', '-r', result.commit!.sha);
      expect(files).toBe('apps/isvcs.yaml');
      expect(result.commit!.url).toBe(`https://github.com/acme/gitops/commit/${result.commit!.sha}`);
    }
  });

  it('a re-run is a no-op: changed=false and no new commit', async () => {
    const origin = remote();
    const clone = origin.clone();
    const first = await commitRaceSafe(writer(clone), { request: request(3), bumpId: 'a', logger: memoryLogger() });
    const head = origin.head();
    const again = await commitRaceSafe(writer(clone), { request: request(3), bumpId: 'b', logger: memoryLogger() });
    expect(first.changed).toBe(true);
    expect(again.changed).toBe(false);
    expect(again.commit).toBeUndefined();
    expect(origin.head()).toBe(head);
  });

  it('the commit carries the trailers and the template; the working tree is not touched', async () => {
    const origin = remote();
    const clone = origin.clone();
    writeFileSync(join(clone, 'local-change.txt'), 'uncommitted\n');
    const result = await commitRaceSafe(writer(clone), {
      request: request(1),
      bumpId: '4242.1.abc',
      template: 'deploy({name}): {old} -> {new}\n\nRun: {run_url}',
      runUrl: 'https://github.com/acme/app/actions/runs/4242',
      logger: memoryLogger(),
    });
    const message = git(origin.bare, 'log', '-1', '--format=%B', result.commit!.sha);
    expect(message).toBe(
      [
        'deploy(svc-1): ghcr.io/acme/svc-1:1.0.0 -> ghcr.io/acme/svc-1:2.0.0',
        '',
        'Run: https://github.com/acme/app/actions/runs/4242',
        '',
        'Bump-Target: InferenceService svc-1 (predictor)',
        'Previous-Image: ghcr.io/acme/svc-1:1.0.0',
        'Image: ghcr.io/acme/svc-1:2.0.0',
        'Run-Url: https://github.com/acme/app/actions/runs/4242',
        'Bump-Id: 4242.1.abc',
      ].join('\n'),
    );
    expect(git(clone, 'status', '--porcelain')).toBe('?? local-change.txt');
  });

  it('after the push the checkout is at the pushed commit, and a second bump in it builds on the first', async () => {
    const origin = remote();
    const clone = origin.clone();
    writeFileSync(join(clone, 'untracked.txt'), 'mine\n');
    const first = await commitRaceSafe(writer(clone), { request: request(1), bumpId: 'f', logger: memoryLogger() });
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(first.commit!.sha);
    expect(git(clone, 'status', '--porcelain', '--branch')).toBe('## main...origin/main\n?? untracked.txt');
    expect(readFileSync(join(clone, 'apps/isvcs.yaml'), 'utf8')).toBe(origin.show('apps/isvcs.yaml'));

    const second = await commitRaceSafe(writer(clone), { request: request(2), bumpId: 's', logger: memoryLogger() });
    expect(git(origin.bare, 'rev-parse', `${second.commit!.sha}~1`)).toBe(first.commit!.sha);
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(second.commit!.sha);
    expect(git(clone, 'status', '--porcelain', '--branch')).toBe('## main...origin/main\n?? untracked.txt');
    expect(readFileSync(join(clone, 'apps/isvcs.yaml'), 'utf8')).toContain('svc-1:2.0.0 #');
    expect(readFileSync(join(clone, 'apps/isvcs.yaml'), 'utf8')).toContain('svc-2:2.0.0 #');
  });

  it('a checkout with local edits to the bumped file is left exactly as it was after the push, with a warning', async () => {
    const origin = remote();
    const clone = origin.clone();
    writeFileSync(join(clone, 'apps/isvcs.yaml'), `${MANIFEST}# local edit\n`);
    const before = checkoutState(clone);
    const logger = memoryLogger();
    const result = await commitRaceSafe(writer(clone, gitRunner(clone, ROOMY), logger), {
      request: request(1),
      bumpId: 'l',
      logger: memoryLogger(),
    });
    expect(origin.head()).toBe(result.commit!.sha);
    expect(checkoutState(clone)).toEqual(before);
    expect(logger.lines.join('\n')).toMatch(/the checkout stays at [0-9a-f]{12}: .*git pull --ff-only/);
  });

  it('after a failed push the checkout is exactly as before: branch, index, work tree, untracked files', async () => {
    const origin = remote();
    const hook = join(origin.bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "GH006: Protected branch update failed" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const clone = origin.clone();
    writeFileSync(join(clone, 'README.md'), '# staged\n');
    git(clone, 'add', 'README.md');
    writeFileSync(join(clone, 'README.md'), '# staged, then edited\n');
    writeFileSync(join(clone, 'untracked.txt'), 'mine\n');
    const before = checkoutState(clone);
    await expect(
      commitRaceSafe(writer(clone), { request: request(1), bumpId: 'r', logger: memoryLogger() }),
    ).rejects.toThrow(BumpError);
    expect(checkoutState(clone)).toEqual(before);
  });

  it('works from a shallow checkout (actions/checkout depth 1) that fell behind', async () => {
    const origin = remote();
    const shallow = join(origin.root, 'shallow');
    git(origin.root, 'clone', '--quiet', '--depth', '1', `file://${origin.bare}`, shallow);
    const other = origin.clone();
    writeFileSync(join(other, 'later.txt'), 'later\n');
    git(other, 'add', '-A');
    git(other, 'commit', '--quiet', '-m', 'later');
    git(other, 'push', '--quiet', 'origin', 'main');
    const tip = origin.head();
    const result = await commitRaceSafe(writer(shallow), {
      request: request(8),
      bumpId: 'shallow.1',
      logger: memoryLogger(),
    });
    expect(git(origin.bare, 'rev-parse', `${result.commit!.sha}~1`)).toBe(tip);
    expect(origin.show('later.txt')).toBe('later\n');
  });

  it('dry-run pushes nothing', async () => {
    const origin = remote();
    const head = origin.head();
    const result = await commitRaceSafe(writer(origin.clone()), {
      request: request(2),
      bumpId: 'x',
      dryRun: true,
      logger: memoryLogger(),
    });
    expect(result).toMatchObject({ changed: true, dryRun: true });
    expect(result.plan.diff).toContain('+        image: ghcr.io/acme/svc-2:2.0.0');
    expect(origin.head()).toBe(head);
  });

  it('an unknown push outcome is resolved by finding our trailer, not by pushing again', async () => {
    const origin = remote();
    const clone = origin.clone();
    const real = gitRunner(clone, ROOMY);
    let pushes = 0;
    const flaky: GitRun = async (args, options) => {
      const result = await real(args, options);
      if (args[0] !== 'push') return result;
      pushes++;
      return { ...result, code: 128, stderr: 'fatal: the remote end hung up unexpectedly\n' };
    };
    const before = git(origin.bare, 'rev-list', '--count', 'main');
    const result = await commitRaceSafe(writer(clone, flaky), {
      request: request(5),
      bumpId: 'unknown-1',
      logger: memoryLogger(),
    });
    expect(pushes).toBe(1);
    expect(result.changed).toBe(true);
    expect(result.commit!.sha).toBe(origin.head());
    expect(Number(git(origin.bare, 'rev-list', '--count', 'main'))).toBe(Number(before) + 1);
  });

  it('a push refused by a hook fails clearly and leaves the remote untouched', async () => {
    const origin = remote();
    const hook = join(origin.bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "GH006: Protected branch update failed" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const head = origin.head();
    const error = await commitRaceSafe(writer(origin.clone()), {
      request: request(4),
      bumpId: 'x',
      logger: memoryLogger(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BumpError);
    expect((error as Error).message).toMatch(/the remote refused the push to main.*commit-method: pull-request/);
    expect(origin.head()).toBe(head);
    expect(git(origin.bare, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/main');
  });

  it('gives up after the bounded number of attempts when the branch keeps moving', async () => {
    const origin = remote();
    const clone = origin.clone();
    const real = gitRunner(clone, ROOMY);
    let n = 0;
    const racing: GitRun = async (args, options) => {
      if (args[0] === 'push') {
        // Someone else lands a commit just before each of our pushes.
        const other = origin.clone();
        writeFileSync(join(other, `other-${n++}.txt`), 'x\n');
        git(other, 'add', '-A');
        git(other, 'commit', '--quiet', '-m', 'other');
        git(other, 'push', '--quiet', 'origin', 'main');
      }
      return real(args, options);
    };
    await expect(
      commitRaceSafe(writer(clone, racing), {
        request: request(6),
        bumpId: 'x',
        logger: memoryLogger(),
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      }),
    ).rejects.toThrow(/gave up after 3 attempts: main moved on the remote/);
    expect(origin.show('apps/isvcs.yaml')).toBe(MANIFEST);
  });
});

describe('git authentication', () => {
  it('sends the token as a header from the environment; never in argv or the trace', async () => {
    const token = 'ghs_0123456789abcdefSECRET';
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}/acme/gitops.git`;
    const origin = remote();
    const clone = origin.clone();
    const env = gitAuthEnv(url, gitBasicCredential(token));
    const run = gitRunner(clone, ROOMY, { ...env, GIT_TRACE: '1', GIT_CURL_VERBOSE: '0' });
    const calls: string[][] = [];
    const recording: GitRun = (args, options) => (calls.push(args), run(args, options));
    const result = await recording(['ls-remote', url]);
    server.close();
    expect(result.code).not.toBe(0);
    expect(seen[0]).toBe(`basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`);
    expect(JSON.stringify(calls)).not.toContain(token);
    expect(result.stderr).not.toContain(token);
    expect(result.stderr).not.toContain(gitBasicCredential(token));
    expect(Object.values(env).join()).not.toContain(token);
  });

  it('no header for a remote that is not http(s)', () => {
    expect(gitAuthEnv('/srv/git/gitops.git', 'x')).toEqual({});
    expect(gitAuthEnv('git@github.com:acme/gitops.git', 'x')).toEqual({});
  });
});

describe('remoteWebUrl', () => {
  it.each([
    ['https://github.com/acme/gitops.git', 'https://github.com/acme/gitops'],
    ['https://x-access-token:abc@ghe.example.com/acme/gitops', 'https://ghe.example.com/acme/gitops'],
    ['git@github.com:acme/gitops.git', 'https://github.com/acme/gitops'],
    ['ssh://git@github.com/acme/gitops.git', 'https://github.com/acme/gitops'],
    ['/srv/git/gitops.git', undefined],
  ])('%s', (remote, expected) => expect(remoteWebUrl(remote)).toBe(expected));
});
