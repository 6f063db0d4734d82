import { HttpError } from '@mlops-actions/action-kit/http';
import type { Logger } from '@mlops-actions/action-kit/logger';
import {
  GraphQLError,
  createCommitOnBranch,
  explainGitHubError,
  readBlobTexts,
  type GitHubRepo,
} from '@mlops-actions/github';
import { BumpError } from './errors.js';
import type { RepoSnapshot } from './files.js';
import { hasBumpId, type CommitMessage } from './message.js';
import type { BumpPlan } from './plan.js';
import type { BranchWriter, CommitOutcome, Landed } from './race.js';

/** A commit's files through the REST Git Data API; blobs are content-addressed, so cached across retries. */
export class GitHubCommitSnapshot implements RepoSnapshot {
  private entries?: Map<string, string>;

  constructor(
    private readonly repo: GitHubRepo,
    readonly commit: string,
    private readonly blobs: Map<string, Buffer> = new Map(),
  ) {}

  async paths(): Promise<string[]> {
    if (!this.entries) {
      const tree = await this.repo.tree(await this.repo.commitTree(this.commit));
      if (tree.truncated) {
        throw new BumpError(
          `the repository tree is too large for the GitHub API (the listing came back truncated): use commit-method: git with a checkout`,
        );
      }
      this.entries = new Map(
        tree.entries.filter((e) => e.type === 'blob' && e.mode !== '120000').map((e) => [e.path, e.sha]),
      );
    }
    return [...this.entries.keys()];
  }

  /** Few GraphQL queries for all of them; REST only for blobs GraphQL cannot return byte-exact. */
  async readMany(paths: readonly string[]): Promise<Map<string, Buffer>> {
    if (!this.entries) await this.paths();
    const missing = [...new Set(paths.map((path) => this.sha(path)).filter((sha) => !this.blobs.has(sha)))];
    for (const [sha, bytes] of await readBlobTexts(this.repo.client, this.repo.repo, missing))
      this.blobs.set(sha, bytes);
    const result = new Map<string, Buffer>();
    for (const path of paths) result.set(path, await this.read(path));
    return result;
  }

  private sha(path: string): string {
    const sha = this.entries!.get(path);
    if (!sha) throw new BumpError(`${path} is not a file at ${this.commit}`);
    return sha;
  }

  async read(path: string): Promise<Buffer> {
    if (!this.entries) await this.paths();
    const sha = this.sha(path);
    let blob = this.blobs.get(sha);
    if (!blob) {
      blob = await this.repo.blob(sha);
      this.blobs.set(sha, blob);
    }
    return blob;
  }
}

/** Fails with what GitHub said and what to do about it. */
export function githubFailure(what: string, error: unknown): never {
  const hint = explainGitHubError(error);
  const reason = error instanceof Error ? error.message : String(error);
  throw new BumpError(`${what} failed: ${reason}${hint ? ` (${hint})` : ''}`);
}

/**
 * Writes through GraphQL createCommitOnBranch: a GitHub-signed commit that applies only while the
 * branch still points at the tip the edit was computed on (STALE_DATA otherwise).
 */
export class GitHubBranchWriter implements BranchWriter {
  private readonly blobs = new Map<string, Buffer>();

  constructor(
    private readonly repo: GitHubRepo,
    private readonly branch: string,
    private readonly logger: Logger,
  ) {}

  async head(): Promise<{ oid: string; snapshot: RepoSnapshot }> {
    let oid: string | undefined;
    try {
      oid = await this.repo.branchHead(this.branch);
    } catch (error) {
      githubFailure(`reading branch ${this.branch} of ${this.repo.fullName}`, error);
    }
    if (!oid) throw new BumpError(`branch ${this.branch} does not exist in ${this.repo.fullName}`);
    return { oid, snapshot: new GitHubCommitSnapshot(this.repo, oid, this.blobs) };
  }

  async commit(base: string, plan: BumpPlan, message: CommitMessage): Promise<CommitOutcome> {
    try {
      const commit = await createCommitOnBranch(this.repo.client, {
        repository: this.repo.fullName,
        branch: this.branch,
        expectedHeadOid: base,
        headline: message.headline,
        body: message.body,
        additions: plan.changes.map((change) => ({ path: change.path, contents: Buffer.from(change.after, 'utf8') })),
      });
      return { kind: 'landed', sha: commit.oid, url: commit.url };
    } catch (error) {
      if (error instanceof GraphQLError && error.has('STALE_DATA')) {
        return { kind: 'stale', reason: `${this.branch} moved since ${base.slice(0, 7)} (STALE_DATA)` };
      }
      if (error instanceof HttpError && (error.outcomeUnknown || (error.status ?? 0) >= 500)) {
        return { kind: 'unknown', reason: error.reason };
      }
      if (error instanceof GraphQLError) {
        throw new BumpError(
          `${error.message}. If a ruleset or branch protection on ${this.branch} requires pull requests or checks, use commit-method: pull-request; if the token cannot write, grant it contents: write`,
        );
      }
      githubFailure(`createCommitOnBranch on ${this.repo.fullName}@${this.branch}`, error);
    }
  }

  async findLanded(bumpId: string): Promise<Landed | undefined> {
    try {
      const commits = await this.repo.recentCommits(this.branch, 30);
      const ours = commits.find((commit) => hasBumpId(commit.commit.message, bumpId));
      return ours && { sha: ours.sha, url: ours.html_url };
    } catch (error) {
      this.logger.warning(
        `Could not list the commits of ${this.branch} to look for this run's commit: ${String(error)}`,
      );
      return undefined;
    }
  }
}
