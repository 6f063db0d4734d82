import type { GitHubClient, RepoName } from '@mlops-actions/github';
import { parseVersion, type Version } from './version.js';

interface GitRef {
  ref: string;
  object: { sha: string; type: string };
}

/** GitHub's compare status of head against base. */
export type CompareStatus = 'ahead' | 'behind' | 'identical' | 'diverged';

export interface Release {
  id: number;
  html_url: string;
  tag_name: string;
  name: string | null;
  body: string | null;
}

/** The repository's tags and releases, through the REST API (GITHUB_API_URL on GHES). */
export class ReleaseRepo {
  private readonly base: string;

  constructor(
    private readonly github: GitHubClient,
    repo: RepoName,
  ) {
    this.base = `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}`;
  }

  /** The commit a tag names (annotated tags are followed to their commit), or undefined when there is no such tag. */
  async tagCommit(tag: string): Promise<string | undefined> {
    const ref = await this.github.find<GitRef>(`${this.base}/git/ref/tags/${encodeURIComponent(tag)}`);
    return ref && this.commitOf(ref.object);
  }

  /** Release tags `v<major>.*.*` and the commit each names. */
  async releaseTags(major: number): Promise<{ version: Version; sha: string }[]> {
    const refs = (await this.github.rest<GitRef[]>('GET', `${this.base}/git/matching-refs/tags/v${major}.`)) ?? [];
    const found: { version: Version; sha: string }[] = [];
    for (const ref of refs) {
      const version = parseVersion(ref.ref.replace(/^refs\/tags\//, ''));
      if (version?.major === major) found.push({ version, sha: await this.commitOf(ref.object) });
    }
    return found;
  }

  async compare(base: string, head: string): Promise<CompareStatus> {
    const result = await this.github.rest<{ status: CompareStatus }>('GET', `${this.base}/compare/${base}...${head}`, {
      query: { per_page: 1 },
    });
    if (!result?.status) throw new Error(`GitHub's compare of ${base}...${head} returned no status`);
    return result.status;
  }

  async createTag(tag: string, sha: string): Promise<void> {
    await this.github.rest('POST', `${this.base}/git/refs`, {
      json: { ref: `refs/tags/${tag}`, sha },
      idempotent: false,
    });
  }

  /** Fast-forward only: GitHub refuses with 422 "Update is not a fast forward" otherwise. */
  async fastForwardTag(tag: string, sha: string): Promise<void> {
    await this.github.rest('PATCH', `${this.base}/git/refs/tags/${encodeURIComponent(tag)}`, {
      json: { sha, force: false },
    });
  }

  findRelease(tag: string): Promise<Release | undefined> {
    return this.github.find<Release>(`${this.base}/releases/tags/${encodeURIComponent(tag)}`);
  }

  async createRelease(tag: string, notes: string, makeLatest: boolean): Promise<Release> {
    const release = await this.github.rest<Release>('POST', `${this.base}/releases`, {
      json: { tag_name: tag, name: tag, body: notes, draft: false, prerelease: false, make_latest: String(makeLatest) },
      idempotent: false,
    });
    if (!release) throw new Error(`GitHub answered the creation of release ${tag} with an empty body`);
    return release;
  }

  private async commitOf(object: { sha: string; type: string }): Promise<string> {
    let current = object;
    // An annotated tag points at a tag object; a tag of a tag is legal, so follow a few levels.
    for (let depth = 0; current.type === 'tag' && depth < 5; depth++) {
      const tag = await this.github.rest<{ object: { sha: string; type: string } }>(
        'GET',
        `${this.base}/git/tags/${current.sha}`,
      );
      if (!tag) throw new Error(`GitHub returned no tag object ${current.sha}`);
      current = tag.object;
    }
    if (current.type !== 'commit') throw new Error(`the tag names a ${current.type} (${current.sha}), not a commit`);
    return current.sha;
  }
}
