import type { GitHubClient } from './client.js';

export interface RepoName {
  owner: string;
  name: string;
}

/** "owner/name" → parts; anything else throws. */
export function parseRepoName(text: string): RepoName {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a repository name of the form owner/name`);
  return { owner: match[1]!, name: match[2]! };
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
}

export interface PullRequest {
  number: number;
  html_url: string;
  state: string;
  head: { ref: string; sha: string };
  base: { ref: string };
}

export interface CommitSummary {
  sha: string;
  html_url: string;
  commit: { message: string };
}

const enc = encodeURIComponent;
const refPath = (ref: string) => ref.split('/').map(enc).join('/');

/** The REST calls on one repository that GitOps writers need; every path is GitHub's documented one. */
export class GitHubRepo {
  readonly fullName: string;
  private readonly base: string;

  constructor(
    readonly client: GitHubClient,
    readonly repo: RepoName,
  ) {
    this.fullName = `${repo.owner}/${repo.name}`;
    this.base = `/repos/${enc(repo.owner)}/${enc(repo.name)}`;
  }

  async defaultBranch(): Promise<string> {
    const info = await this.client.rest<{ default_branch: string }>('GET', this.base);
    return info!.default_branch;
  }

  /** The commit a branch points at, or undefined when the branch does not exist. */
  async branchHead(branch: string): Promise<string | undefined> {
    const ref = await this.client.find<{ object: { sha: string } }>(`${this.base}/git/ref/heads/${refPath(branch)}`);
    return ref?.object.sha;
  }

  async commitTree(commitSha: string): Promise<string> {
    const commit = await this.client.rest<{ tree: { sha: string } }>(
      'GET',
      `${this.base}/git/commits/${enc(commitSha)}`,
    );
    return commit!.tree.sha;
  }

  async tree(treeSha: string): Promise<{ entries: TreeEntry[]; truncated: boolean }> {
    const tree = await this.client.rest<{ tree: TreeEntry[]; truncated: boolean }>(
      'GET',
      `${this.base}/git/trees/${enc(treeSha)}`,
      { query: { recursive: '1' } },
    );
    return { entries: tree!.tree, truncated: tree!.truncated };
  }

  async blob(sha: string): Promise<Buffer> {
    const blob = await this.client.rest<{ content: string; encoding: string }>(
      'GET',
      `${this.base}/git/blobs/${enc(sha)}`,
    );
    if (blob!.encoding !== 'base64') throw new Error(`blob ${sha} came back as ${blob!.encoding}, not base64`);
    return Buffer.from(blob!.content, 'base64');
  }

  async recentCommits(branch: string, count = 30): Promise<CommitSummary[]> {
    return (
      (await this.client.rest<CommitSummary[]>('GET', `${this.base}/commits`, {
        query: { sha: branch, per_page: count },
      })) ?? []
    );
  }

  async createBranch(branch: string, sha: string): Promise<void> {
    await this.client.rest('POST', `${this.base}/git/refs`, { json: { ref: `refs/heads/${branch}`, sha } });
  }

  async moveBranch(branch: string, sha: string, force: boolean): Promise<void> {
    await this.client.rest('PATCH', `${this.base}/git/refs/heads/${refPath(branch)}`, {
      json: { sha, force },
      idempotent: true,
    });
  }

  async deleteBranch(branch: string): Promise<void> {
    await this.client.rest('DELETE', `${this.base}/git/refs/heads/${refPath(branch)}`, { accept: [422] });
  }

  async openPullRequests(head: string): Promise<PullRequest[]> {
    return (
      (await this.client.rest<PullRequest[]>('GET', `${this.base}/pulls`, {
        query: { state: 'open', head: `${this.repo.owner}:${head}` },
      })) ?? []
    );
  }

  async createPullRequest(input: { title: string; body: string; head: string; base: string }): Promise<PullRequest> {
    return (await this.client.rest<PullRequest>('POST', `${this.base}/pulls`, { json: input }))!;
  }
}

export interface FileAddition {
  path: string;
  contents: Buffer | string;
}

export interface CreatedCommit {
  oid: string;
  url: string;
}

const CREATE_COMMIT = `mutation CreateCommitOnBranch($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid url } }
}`;

/**
 * GraphQL createCommitOnBranch: one GitHub-signed (Verified) commit on an existing branch, applied
 * only when the branch still points at `expectedHeadOid` (else a GraphQLError of type STALE_DATA).
 */
export async function createCommitOnBranch(
  client: GitHubClient,
  input: {
    repository: string;
    branch: string;
    expectedHeadOid: string;
    headline: string;
    body?: string;
    additions: FileAddition[];
    deletions?: string[];
  },
): Promise<CreatedCommit> {
  const data = await client.graphql<{ createCommitOnBranch: { commit: CreatedCommit } }>(
    CREATE_COMMIT,
    {
      input: {
        branch: { repositoryNameWithOwner: input.repository, branchName: input.branch },
        expectedHeadOid: input.expectedHeadOid,
        message: { headline: input.headline, ...(input.body ? { body: input.body } : {}) },
        fileChanges: {
          additions: input.additions.map((file) => ({
            path: file.path,
            contents: Buffer.from(file.contents).toString('base64'),
          })),
          ...(input.deletions?.length ? { deletions: input.deletions.map((path) => ({ path })) } : {}),
        },
      },
    },
    { mutation: true, operation: 'createCommitOnBranch' },
  );
  return data.createCommitOnBranch.commit;
}

/** Blobs per GraphQL query: well inside GitHub's node and complexity limits. */
export const BLOBS_PER_QUERY = 100;

/**
 * Reads many blobs in few GraphQL queries (aliases, BLOBS_PER_QUERY at a time). A blob comes back
 * only when its UTF-8 text is complete and encodes to exactly `byteSize` bytes; binary, truncated
 * or non-UTF-8 blobs are left out, for the caller to read through REST.
 */
export async function readBlobTexts(
  client: GitHubClient,
  repo: RepoName,
  shas: readonly string[],
): Promise<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  for (let at = 0; at < shas.length; at += BLOBS_PER_QUERY) {
    const batch = shas.slice(at, at + BLOBS_PER_QUERY);
    const fields = batch
      .map(
        (sha, i) =>
          `b${i}: object(oid: "${sha.replace(/[^0-9a-f]/g, '')}") { ... on Blob { text isBinary isTruncated byteSize } }`,
      )
      .join('\n    ');
    const query = `query Blobs($owner: String!, $name: String!) {\n  repository(owner: $owner, name: $name) {\n    ${fields}\n  }\n}`;
    const data = await client.graphql<{
      repository: Record<
        string,
        { text: string | null; isBinary: boolean; isTruncated: boolean; byteSize: number } | null
      >;
    }>(query, { owner: repo.owner, name: repo.name }, { operation: 'Blobs' });
    batch.forEach((sha, i) => {
      const blob = data.repository[`b${i}`];
      if (!blob || blob.isBinary || blob.isTruncated || blob.text === null) return;
      const bytes = Buffer.from(blob.text, 'utf8');
      if (bytes.length === blob.byteSize) result.set(sha, bytes);
    });
  }
  return result;
}
