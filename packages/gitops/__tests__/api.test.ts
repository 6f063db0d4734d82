import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { memoryLogger } from '@mlops-actions/action-kit/logger';
import { GitHubClient, GitHubRepo, graphqlUrl } from '@mlops-actions/github';
import { GitHubCommitSnapshot } from '../src/api.js';
import { FakeGitHub } from '../../../test/fakes/github/server.js';
import {
  BumpError,
  GitHubBranchWriter,
  bumpWithPullRequest,
  commitRaceSafe,
  pullRequestBranch,
  type BumpRequest,
} from '../src/index.js';
import { LocalRemote, git, predictorOf } from './git-helpers.js';
import { testDeadline } from '../../../test/helpers/deadline.js';

const TOKEN = 'ghs_apitoken_0123456789';
const FAST = { maxAttempts: 25, baseDelayMs: 10, maxDelayMs: 200 };

function manifest(count: number): string {
  return Array.from(
    { length: count },
    (_, i) =>
      `---\napiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: svc-${i}\nspec:\n  predictor:\n    model:\n      modelFormat: {name: sklearn}\n      storageUri: "s3://models/svc-${i}/v1"\n`,
  ).join('');
}
const MANIFEST = manifest(10);

function request(i: number, version = 'v2'): BumpRequest {
  return {
    target: predictorOf(`svc-${i}`),
    storageUri: `s3://models/svc-${i}/${version}`,
  };
}

let fake: FakeGitHub;
let remote: LocalRemote;
let client: GitHubClient;
let repo: GitHubRepo;

beforeAll(async () => {
  remote = new LocalRemote({
    'deploy/isvcs.yaml': MANIFEST,
    'deploy/kustomization.yaml': 'resources:\n- isvcs.yaml\n',
  });
  fake = await FakeGitHub.start(TOKEN, { 'acme/gitops': { bare: remote.bare } });
  client = new GitHubClient({
    apiUrl: fake.apiUrl,
    token: TOKEN,
    deadline: testDeadline(),
    http: { retry: { maxAttempts: 2, baseDelayMs: 10 } },
  });
  repo = new GitHubRepo(client, { owner: 'acme', name: 'gitops' });
});
afterEach(() => {
  // Every request carried the token in the header, never in a URL.
  expect(fake.requests.every((r) => r.authorized && !r.path.includes(TOKEN))).toBe(true);
});
afterAll(async () => {
  await client.close();
  await fake.stop();
  remote.remove();
});

/** The next createCommitOnBranch gets GitHub's error answer (HTTP 200, data null). */
function refuseNextCommit(type: string, message: string): void {
  fake.inject({
    method: 'POST',
    path: /graphql/,
    operation: 'createCommitOnBranch',
    kind: {
      status: 200,
      body: { data: { createCommitOnBranch: null }, errors: [{ type, path: ['createCommitOnBranch'], message }] },
    },
  });
}

const options = (i: number, bumpId: string) => ({ request: request(i), bumpId, logger: memoryLogger(), retry: FAST });

describe('api method (createCommitOnBranch) against the GitHub fake', () => {
  it('derives the GHES GraphQL endpoint', () => {
    expect(graphqlUrl('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com/api/graphql');
    expect(graphqlUrl('https://api.github.com')).toBe('https://api.github.com/graphql');
  });

  it('commits the byte-exact edit as one signed commit; a re-run is a no-op', async () => {
    const before = remote.head();
    const result = await commitRaceSafe(new GitHubBranchWriter(repo, 'main', memoryLogger()), options(0, 'run.1'));
    expect(result.changed).toBe(true);
    expect(result.commit!.url).toBe(`https://github.com/acme/gitops/commit/${result.commit!.sha}`);
    expect(git(remote.bare, 'rev-parse', `${result.commit!.sha}~1`)).toBe(before);
    expect(remote.show('deploy/isvcs.yaml')).toBe(MANIFEST.replace('svc-0/v1', 'svc-0/v2'));
    expect(git(remote.bare, 'log', '-1', '--format=%B', result.commit!.sha)).toContain('Bump-Id: run.1');
    expect(fake.requests.some((r) => r.path === '/api/graphql')).toBe(true);

    const again = await commitRaceSafe(new GitHubBranchWriter(repo, 'main', memoryLogger()), options(0, 'run.2'));
    expect(again.changed).toBe(false);
    expect(remote.head()).toBe(result.commit!.sha);
  });

  it('retries STALE_DATA by re-reading and re-applying', async () => {
    refuseNextCommit('STALE_DATA', 'Expected branch to point to "x" but it did not.  Pull and try again.');
    const logger = memoryLogger();
    const result = await commitRaceSafe(new GitHubBranchWriter(repo, 'main', logger), {
      ...options(1, 'stale.1'),
      logger,
    });
    expect(result.attempts).toBe(2);
    expect(logger.lines.join('\n')).toContain('STALE_DATA');
    expect(remote.show('deploy/isvcs.yaml')).toContain('s3://models/svc-1/v2');
  });

  it('10 concurrent bumps: all land, linear history, nothing lost', async () => {
    const start = Number(git(remote.bare, 'rev-list', '--count', 'main'));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, k) => k + 2)
        .concat([0, 1])
        .map((i) =>
          commitRaceSafe(new GitHubBranchWriter(repo, 'main', memoryLogger()), {
            ...options(i, `c.${i}`),
            request: request(i, 'v3'),
          }),
        ),
    );
    expect(results.every((r) => r.changed)).toBe(true);
    expect(Number(git(remote.bare, 'rev-list', '--count', 'main'))).toBe(start + 10);
    expect(git(remote.bare, 'rev-list', '--merges', 'main')).toBe('');
    expect(remote.show('deploy/isvcs.yaml')).toBe(MANIFEST.replace(/\/v1"/g, '/v3"'));
  });

  it('an unknown outcome (connection dropped after the commit applied) is resolved by the trailer', async () => {
    const count = Number(git(remote.bare, 'rev-list', '--count', 'main'));
    fake.inject({ method: 'POST', path: /graphql/, operation: 'createCommitOnBranch', kind: 'drop-after-apply' });
    const result = await commitRaceSafe(new GitHubBranchWriter(repo, 'main', memoryLogger()), {
      ...options(4, 'unknown.1'),
      request: request(4, 'v4'),
    });
    expect(result.changed).toBe(true);
    expect(result.commit!.sha).toBe(remote.head());
    expect(Number(git(remote.bare, 'rev-list', '--count', 'main'))).toBe(count + 1);
  });

  it('a refusal by a ruleset names the reason and the way out; nothing lands', async () => {
    const head = remote.head();
    refuseNextCommit(
      'UNPROCESSABLE',
      'Repository rule violations found\n\nChanges must be made through a pull request.',
    );
    await expect(
      commitRaceSafe(new GitHubBranchWriter(repo, 'main', memoryLogger()), options(6, 'rules.1')),
    ).rejects.toThrow(/UNPROCESSABLE: Repository rule violations found.*use commit-method: pull-request/s);
    expect(remote.head()).toBe(head);
  });

  it('a tree the API truncates is refused with the way out', async () => {
    fake.treeLimit = 1;
    try {
      await expect(
        commitRaceSafe(new GitHubBranchWriter(repo, 'main', memoryLogger()), options(5, 'x')),
      ).rejects.toThrow(/truncated\): use commit-method: git/);
    } finally {
      fake.treeLimit = 100_000;
    }
  });

  it('a missing branch and a refused token are clear errors', async () => {
    await expect(commitRaceSafe(new GitHubBranchWriter(repo, 'nope', memoryLogger()), options(5, 'x'))).rejects.toThrow(
      'branch nope does not exist in acme/gitops',
    );
    const bad = new GitHubRepo(new GitHubClient({ apiUrl: fake.apiUrl, token: 'wrong', deadline: testDeadline() }), {
      owner: 'acme',
      name: 'gitops',
    });
    const error = await commitRaceSafe(new GitHubBranchWriter(bad, 'main', memoryLogger()), options(5, 'x')).catch(
      (e: Error) => e,
    );
    fake.requests.splice(0);
    expect(error).toBeInstanceOf(BumpError);
    expect((error as Error).message).toMatch(/401.*Bad credentials.*the token was refused/);
    expect((error as Error).message).not.toContain('wrong');
  });
});

describe('pull-request method against the GitHub fake', () => {
  it('opens one pull request from a deterministic branch; a re-run reuses it', async () => {
    const base = remote.head();
    const first = await bumpWithPullRequest(repo, 'main', options(7, 'pr.1'));
    expect(first.changed).toBe(true);
    expect(first.reused).toBe(false);
    expect(first.pullRequest?.url).toMatch(/^https:\/\/github\.com\/acme\/gitops\/pull\/\d+$/);
    expect(first.headBranch).toBe(pullRequestBranch(first.plan));
    expect(remote.head()).toBe(base);
    expect(remote.show('deploy/isvcs.yaml', first.headBranch)).toContain('s3://models/svc-7/v2');
    const pull = fake.pulls.get('acme/gitops')!.at(-1)!;
    expect(pull.body).toContain('+      storageUri: "s3://models/svc-7/v2"');

    const again = await bumpWithPullRequest(repo, 'main', options(7, 'pr.2'));
    expect(again).toMatchObject({ reused: true, changed: false, pullRequest: first.pullRequest });
    expect(fake.pulls.get('acme/gitops')!.length).toBe(pull.number);
  });

  it('a failure after the branch was created deletes the branch and leaves the base untouched', async () => {
    const base = remote.head();
    fake.inject({
      method: 'POST',
      path: /\/pulls$/,
      kind: { status: 403, body: { message: 'Resource not accessible by integration' } },
    });
    await expect(bumpWithPullRequest(repo, 'main', options(8, 'pr.3'))).rejects.toThrow(
      /Resource not accessible by integration.*pull-requests: write/,
    );
    expect(remote.head()).toBe(base);
    expect(git(remote.bare, 'for-each-ref', '--format=%(refname)', 'refs/heads/bump/')).not.toContain('svc-8');
  });

  it('already at the target on the base branch: nothing is created', async () => {
    const refs = git(remote.bare, 'for-each-ref', '--format=%(refname)');
    const result = await bumpWithPullRequest(repo, 'main', { ...options(0, 'pr.4'), request: request(0, 'v3') });
    expect(result.changed).toBe(false);
    expect(git(remote.bare, 'for-each-ref', '--format=%(refname)')).toBe(refs);
  });
});

describe('api method when the write never reached GitHub', () => {
  it('a dropped request that did not apply is retried and lands exactly once', async () => {
    const count = Number(git(remote.bare, 'rev-list', '--count', 'main'));
    fake.inject({ method: 'POST', path: /graphql/, operation: 'createCommitOnBranch', kind: 'drop' });
    const result = await commitRaceSafe(new GitHubBranchWriter(repo, 'main', memoryLogger()), {
      ...options(9, 'dropped.1'),
      request: request(9, 'v9'),
    });
    expect(result.attempts).toBe(2);
    expect(result.commit!.sha).toBe(remote.head());
    expect(Number(git(remote.bare, 'rev-list', '--count', 'main'))).toBe(count + 1);
  });
});

describe('reading a large tree through the API', () => {
  it('reads 250 files in a few GraphQL queries, byte-exact, with REST only for what GraphQL cannot return', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 250; i++)
      files[`apps/a${i}.yaml`] = `kind: ConfigMap\r\nmetadata: {name: c${i}}\r\n# é ${i}\r\n`;
    files['big.yaml'] = `data: ${'x'.repeat(2000)}\n`;
    const big = new LocalRemote(files);
    const local = await FakeGitHub.start(TOKEN, { 'acme/big': { bare: big.bare } });
    local.blobTextLimit = 1000;
    const bigClient = new GitHubClient({ apiUrl: local.apiUrl, token: TOKEN, deadline: testDeadline() });
    try {
      const bigRepo = new GitHubRepo(bigClient, { owner: 'acme', name: 'big' });
      const snapshot = new GitHubCommitSnapshot(bigRepo, big.head());
      const paths = await snapshot.paths();
      const read = await snapshot.readMany(paths);
      for (const [path, text] of Object.entries(files)) expect(read.get(path)!.toString('utf8')).toBe(text);
      const blobQueries = local.requests.filter((r) => r.operation === 'Blobs').length;
      const restBlobs = local.requests.filter((r) => r.path.includes('/git/blobs/')).length;
      expect(blobQueries).toBe(3);
      expect(restBlobs).toBe(1);
    } finally {
      await bigClient.close();
      await local.stop();
      big.remove();
    }
  });
});
