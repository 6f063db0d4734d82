import { GitHubClient, parseRepoName, type GitHubClientOptions } from '@mlops-actions/github';

/**
 * How `head` relates to `base` in Git history, in GitHub's words: `ahead` = head contains base
 * plus more commits; `behind` = head is an ancestor of base; `identical`; `diverged`.
 */
export type CommitRelation = 'ahead' | 'behind' | 'identical' | 'diverged' | 'unrelated';

/** Answers "does `head` contain `base`?". Kept small so another Git host can stand in. */
export interface CommitComparer {
  compare(base: string, head: string): Promise<CommitRelation>;
}

export interface GitHubCompareOptions extends GitHubClientOptions {
  /** owner/name */
  repository: string;
}

/** GET /repos/{owner}/{repo}/compare/{base}...{head}; a 404 (commit unknown here) reads as `unrelated`. */
export class GitHubCommitComparer implements CommitComparer {
  private readonly github: GitHubClient;
  private readonly cache = new Map<string, CommitRelation>();

  constructor(private readonly options: GitHubCompareOptions) {
    this.github = new GitHubClient({ ...options, http: { timeoutMs: 15_000, deadlineMs: 60_000, ...options.http } });
  }

  async compare(base: string, head: string): Promise<CommitRelation> {
    const key = `${base}...${head}`;
    const known = this.cache.get(key);
    if (known) return known;
    const { owner, name } = parseRepoName(this.options.repository);
    const found = await this.github.find<{ status?: string }>(
      `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/compare/${encodeURIComponent(base)}...${encodeURIComponent(head)}`,
      { query: { per_page: 1 } },
    );
    const relation = found ? toRelation(found.status) : 'unrelated';
    // A relation between two commits never changes: ask once.
    this.cache.set(key, relation);
    return relation;
  }

  close(): Promise<void> {
    return this.github.close();
  }
}

function toRelation(status: string | undefined): CommitRelation {
  if (status === 'ahead' || status === 'behind' || status === 'identical' || status === 'diverged') return status;
  return 'unrelated';
}
