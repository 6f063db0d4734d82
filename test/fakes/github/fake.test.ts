import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalRemote, git } from '../../../packages/gitops/__tests__/git-helpers.js';
import { FakeGitHub } from './server.js';

const TOKEN = 'ghs_faketoken123';
let fake: FakeGitHub;
let remote: LocalRemote;

async function call(method: string, path: string, body?: unknown, token = TOKEN) {
  const response = await fetch(`${fake.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

function commitOnBranch(expectedHeadOid: string, branchName = 'main', path = 'a.txt', contents = 'new\n') {
  return fetch(fake.apiUrl.replace(/\/v3$/, '/graphql'), {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({
      query:
        'mutation M($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid url } } }',
      variables: {
        input: {
          branch: { repositoryNameWithOwner: 'acme/gitops', branchName },
          expectedHeadOid,
          message: { headline: 'change', body: 'Bump-Id: 1' },
          fileChanges: { additions: [{ path, contents: Buffer.from(contents).toString('base64') }] },
        },
      },
    }),
  }).then(
    (r) =>
      r.json() as Promise<{
        data?: { createCommitOnBranch: { commit: { oid: string } } | null };
        errors?: { type: string; message: string }[];
      }>,
  );
}

beforeAll(async () => {
  remote = new LocalRemote({ 'a.txt': 'old\r\nline two\r\n', 'dir/b.yaml': 'b: 1\n' });
  fake = await FakeGitHub.start(TOKEN, { 'acme/gitops': { bare: remote.bare } });
});
afterAll(async () => {
  await fake.stop();
  remote.remove();
});

describe('GitHub API fake', () => {
  it('refuses a bad token with 401 Bad credentials', async () => {
    const response = await call('GET', '/repos/acme/gitops', undefined, 'wrong');
    expect(response).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
  });

  it('answers STALE_DATA (HTTP 200, data null) on a wrong expectedHeadOid and commits nothing', async () => {
    const head = remote.head();
    const result = await commitOnBranch('1'.repeat(40));
    expect(result.data).toEqual({ createCommitOnBranch: null });
    expect(result.errors?.[0]).toMatchObject({
      type: 'STALE_DATA',
      message: `Expected branch to point to "${'1'.repeat(40)}" but it did not.  Pull and try again.`,
    });
    expect(remote.head()).toBe(head);
  });

  it('of two commits on the same expected head, exactly one lands', async () => {
    const head = remote.head();
    const results = await Promise.all([
      commitOnBranch(head, 'main', 'x.txt', '1'),
      commitOnBranch(head, 'main', 'y.txt', '2'),
    ]);
    expect(results.filter((r) => r.data?.createCommitOnBranch).length).toBe(1);
    expect(results.filter((r) => r.errors?.[0]?.type === 'STALE_DATA').length).toBe(1);
    expect(git(remote.bare, 'rev-parse', 'main~1')).toBe(head);
  });

  it('commits as the token owner with GitHub as committer; the branch must exist', async () => {
    const landed = await commitOnBranch(remote.head());
    const oid = landed.data!.createCommitOnBranch!.commit.oid;
    expect(git(remote.bare, 'log', '-1', '--format=%an|%cn|%B', oid)).toBe(
      'github-actions[bot]|GitHub|change\n\nBump-Id: 1',
    );
    const missing = await commitOnBranch(remote.head(), 'nope');
    expect(missing.errors?.[0]?.type).toBe('NOT_FOUND');
  });

  it('serves trees and 60-column base64 blobs that decode to the exact bytes (CRLF kept)', async () => {
    const head = (await call('GET', '/repos/acme/gitops/git/ref/heads/main')).body as { object: { sha: string } };
    const commit = (await call('GET', `/repos/acme/gitops/git/commits/${head.object.sha}`)).body as {
      tree: { sha: string };
    };
    const tree = (await call('GET', `/repos/acme/gitops/git/trees/${commit.tree.sha}?recursive=1`)).body as {
      tree: { path: string; type: string; sha: string }[];
      truncated: boolean;
    };
    expect(tree.truncated).toBe(false);
    expect(tree.tree.map((e) => `${e.type}:${e.path}`)).toEqual(
      expect.arrayContaining(['tree:dir', 'blob:dir/b.yaml', 'blob:a.txt']),
    );
    const root = git(remote.bare, 'rev-list', '--max-parents=0', 'main');
    const seed = git(remote.bare, 'rev-parse', `${root}:a.txt`);
    const blob = (await call('GET', `/repos/acme/gitops/git/blobs/${seed}`)).body as { content: string };
    expect(Buffer.from(blob.content, 'base64').toString('utf8')).toBe('old\r\nline two\r\n');
    fake.treeLimit = 1;
    const truncated = (await call('GET', `/repos/acme/gitops/git/trees/${commit.tree.sha}?recursive=1`)).body as {
      truncated: boolean;
    };
    fake.treeLimit = 100_000;
    expect(truncated.truncated).toBe(true);
  });

  it('refs: 422 when a branch already exists or is missing; fast-forward only without force', async () => {
    const head = remote.head();
    expect((await call('POST', '/repos/acme/gitops/git/refs', { ref: 'refs/heads/feature', sha: head })).status).toBe(
      201,
    );
    expect(await call('POST', '/repos/acme/gitops/git/refs', { ref: 'refs/heads/feature', sha: head })).toMatchObject({
      status: 422,
      body: { message: 'Reference already exists' },
    });
    const parent = git(remote.bare, 'rev-parse', 'main~1');
    expect(
      (await call('PATCH', '/repos/acme/gitops/git/refs/heads/feature', { sha: parent, force: false })).status,
    ).toBe(422);
    expect(
      (await call('PATCH', '/repos/acme/gitops/git/refs/heads/feature', { sha: parent, force: true })).status,
    ).toBe(200);
    expect((await call('DELETE', '/repos/acme/gitops/git/refs/heads/feature')).status).toBe(204);
    expect((await call('DELETE', '/repos/acme/gitops/git/refs/heads/feature')).status).toBe(422);
  });

  it('tags: annotated ones show as tag objects; updates are fast-forward only; compare and releases', async () => {
    const head = remote.head();
    const parent = git(remote.bare, 'rev-parse', 'main~1');
    git(remote.bare, 'tag', '-a', '-m', 'v1.0.0', 'v1.0.0', parent);
    const annotated = await call('GET', '/repos/acme/gitops/git/ref/tags/v1.0.0');
    expect(annotated.body).toMatchObject({ ref: 'refs/tags/v1.0.0', object: { type: 'tag' } });
    const object = (annotated.body!.object as { sha: string }).sha;
    expect((await call('GET', `/repos/acme/gitops/git/tags/${object}`)).body).toMatchObject({
      tag: 'v1.0.0',
      object: { sha: parent, type: 'commit' },
    });
    expect((await call('POST', '/repos/acme/gitops/git/refs', { ref: 'refs/tags/v1', sha: head })).status).toBe(201);
    expect((await call('GET', '/repos/acme/gitops/git/matching-refs/tags/v1.')).body).toEqual([
      { ref: 'refs/tags/v1.0.0', object: { sha: object, type: 'tag' } },
    ]);
    expect(await call('PATCH', '/repos/acme/gitops/git/refs/tags/v1', { sha: parent, force: false })).toMatchObject({
      status: 422,
      body: { message: 'Update is not a fast forward' },
    });
    expect((await call('GET', `/repos/acme/gitops/compare/${head}...${parent}`)).body).toMatchObject({
      status: 'behind',
      behind_by: 1,
    });
    expect((await call('GET', `/repos/acme/gitops/compare/v1.0.0...main`)).body).toMatchObject({ status: 'ahead' });
    expect((await call('GET', '/repos/acme/gitops/releases/tags/v1.0.0')).status).toBe(404);
    expect((await call('POST', '/repos/acme/gitops/releases', { tag_name: 'v1.0.0', body: 'notes' })).status).toBe(201);
    expect(await call('POST', '/repos/acme/gitops/releases', { tag_name: 'v1.0.0' })).toMatchObject({
      status: 422,
      body: { errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] },
    });
    expect((await call('GET', '/repos/acme/gitops/releases/tags/v1.0.0')).body).toMatchObject({ body: 'notes' });
    git(remote.bare, 'tag', '-d', 'v1', 'v1.0.0');
  });

  it('pull requests: no commits between is refused, a duplicate is refused, listing filters by owner:branch', async () => {
    const head = remote.head();
    await call('POST', '/repos/acme/gitops/git/refs', { ref: 'refs/heads/bump', sha: head });
    const empty = await call('POST', '/repos/acme/gitops/pulls', { title: 't', head: 'bump', base: 'main' });
    expect(JSON.stringify(empty.body)).toContain('No commits between main and bump');
    await commitOnBranch(head, 'bump');
    expect((await call('POST', '/repos/acme/gitops/pulls', { title: 't', head: 'bump', base: 'main' })).status).toBe(
      201,
    );
    const duplicate = await call('POST', '/repos/acme/gitops/pulls', { title: 't', head: 'bump', base: 'main' });
    expect(JSON.stringify(duplicate.body)).toContain('A pull request already exists for acme:bump.');
    expect(
      ((await call('GET', '/repos/acme/gitops/pulls?state=open&head=acme:bump')).body as unknown as unknown[]).length,
    ).toBe(1);
    expect(
      ((await call('GET', '/repos/acme/gitops/pulls?state=open&head=other:bump')).body as unknown as unknown[]).length,
    ).toBe(0);
  });

  it('a drop-after-apply fault applies the write but the client sees the connection die', async () => {
    const head = remote.head();
    fake.inject({ method: 'POST', path: /^\/graphql$/, operation: 'createCommitOnBranch', kind: 'drop-after-apply' });
    await expect(commitOnBranch(head, 'main', 'z.txt', 'z')).rejects.toThrow();
    expect(git(remote.bare, 'rev-parse', 'main~1')).toBe(head);
  });

  it('compares two commits from the commit graph, 404 for an unknown one', async () => {
    const head = remote.head();
    const parent = git(remote.bare, 'rev-parse', `${head}~1`);
    const ahead = await call('GET', `/repos/acme/gitops/compare/${parent}...${head}`);
    expect(ahead).toMatchObject({ status: 200, body: { status: 'ahead', ahead_by: 1, behind_by: 0 } });
    const behind = await call('GET', `/repos/acme/gitops/compare/${head}...${parent}`);
    expect(behind.body).toMatchObject({ status: 'behind', ahead_by: 0, behind_by: 1 });
    expect((await call('GET', `/repos/acme/gitops/compare/${head}...${'f'.repeat(40)}`)).status).toBe(404);
  });
});
