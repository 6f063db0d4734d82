import { HttpClient, type FetchLike, type TlsOptions } from '@mlops-actions/action-kit/http';
import { silentLogger, type Logger } from '@mlops-actions/action-kit/logger';

/**
 * How `head` relates to `base` in Git history, in GitHub's words: `ahead` = head contains base
 * plus more commits; `behind` = head is an ancestor of base; `identical`; `diverged`.
 */
export type CommitRelation = 'ahead' | 'behind' | 'identical' | 'diverged' | 'unrelated';

/** Answers "does `head` contain `base`?". Kept small so another Git host can stand in. */
export interface CommitComparer {
  compare(base: string, head: string): Promise<CommitRelation>;
}

export interface GitHubCompareOptions {
  apiUrl: string;
  token: string;
  /** owner/name */
  repository: string;
  tls?: TlsOptions;
  logger?: Logger;
  fetch?: FetchLike;
}

/** GET /repos/{owner}/{repo}/compare/{base}...{head}; a 404 (commit unknown here) reads as `unrelated`. */
export class GitHubCommitComparer implements CommitComparer {
  private readonly http: HttpClient;
  private readonly cache = new Map<string, CommitRelation>();

  constructor(private readonly options: GitHubCompareOptions) {
    this.http = new HttpClient({
      baseUrl: options.apiUrl,
      auth: { type: 'bearer', token: options.token },
      headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
      tls: options.tls,
      logger: options.logger ?? silentLogger,
      fetch: options.fetch,
      timeoutMs: 15_000,
      deadlineMs: 60_000,
    });
  }

  async compare(base: string, head: string): Promise<CommitRelation> {
    const key = `${base}...${head}`;
    const known = this.cache.get(key);
    if (known) return known;
    const [owner, repo] = this.options.repository.split('/');
    const response = await this.http.get(
      `/repos/${encodeURIComponent(owner!)}/${encodeURIComponent(repo!)}/compare/${encodeURIComponent(base)}...${encodeURIComponent(head)}`,
      { query: { per_page: 1 }, accept: [404] },
    );
    const relation: CommitRelation =
      response.status === 404 ? 'unrelated' : toRelation(response.json<{ status?: string }>().status);
    // A relation between two commits never changes: ask once.
    this.cache.set(key, relation);
    return relation;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

function toRelation(status: string | undefined): CommitRelation {
  if (status === 'ahead' || status === 'behind' || status === 'identical' || status === 'diverged') return status;
  return 'unrelated';
}
