import { createHash } from 'node:crypto';

/**
 * The Git side of the simulator: what a branch points at, what a commit renders to, and how two
 * commits relate. A later local reconciler can implement it over a real bare repository.
 */
export interface GitSource {
  /** The commit a branch (or a full SHA) resolves to, or undefined when unknown. */
  resolve(repoURL: string, revision: string): string | undefined;
  /** A key of the manifests the commit renders for the app; equal keys mean "no change". */
  manifests(repoURL: string, sha: string): string | undefined;
  /** GitHub compare semantics of head against base; undefined when either is unknown. */
  compare(
    base: string,
    head: string,
  ): { status: 'ahead' | 'behind' | 'identical' | 'diverged'; aheadBy: number; behindBy: number } | undefined;
}

interface Commit {
  sha: string;
  parent?: string;
  manifests: string;
  repoURL: string;
}

/** An in-memory commit graph with branches, driven by the test script. */
export class ScriptedGit implements GitSource {
  private readonly commits = new Map<string, Commit>();
  private readonly branches = new Map<string, string>();
  private counter = 0;

  /**
   * Adds a commit on top of `branch` (default main) and moves the branch. `manifests` defaults
   * to a fresh value (the commit changes what the app renders); pass the parent's to model a
   * commit that does not touch the app's paths.
   */
  push(repoURL: string, options: { branch?: string; manifests?: string; sha?: string } = {}): string {
    const branch = options.branch ?? 'main';
    const parent = this.branches.get(`${repoURL}#${branch}`);
    const sha = options.sha ?? this.newSha(repoURL);
    const manifests = options.manifests ?? `manifests-${sha.slice(0, 8)}`;
    this.commits.set(sha, { sha, parent, manifests, repoURL });
    this.branches.set(`${repoURL}#${branch}`, sha);
    return sha;
  }

  /** A commit outside any branch's history (e.g. on a PR branch that was never merged). */
  orphan(repoURL: string, parent?: string): string {
    const sha = this.newSha(repoURL);
    this.commits.set(sha, { sha, parent, manifests: `manifests-${sha.slice(0, 8)}`, repoURL });
    return sha;
  }

  /** Points a branch at any known commit (a force-push or a reset). */
  reset(repoURL: string, sha: string, branch = 'main'): void {
    this.branches.set(`${repoURL}#${branch}`, sha);
  }

  head(repoURL: string, branch = 'main'): string | undefined {
    return this.branches.get(`${repoURL}#${branch}`);
  }

  manifestsOf(sha: string): string | undefined {
    return this.commits.get(sha)?.manifests;
  }

  resolve(repoURL: string, revision: string): string | undefined {
    const wanted = revision === '' || revision === 'HEAD' ? 'main' : revision;
    const commit = this.commits.get(wanted);
    if (commit && commit.repoURL === repoURL) return commit.sha;
    return this.branches.get(`${repoURL}#${wanted}`);
  }

  manifests(repoURL: string, sha: string): string | undefined {
    const commit = this.commits.get(sha);
    return commit && commit.repoURL === repoURL ? commit.manifests : undefined;
  }

  compare(base: string, head: string) {
    if (!this.commits.has(base) || !this.commits.has(head)) return undefined;
    if (base === head) return { status: 'identical' as const, aheadBy: 0, behindBy: 0 };
    const headLine = this.ancestry(head);
    const baseLine = this.ancestry(base);
    const inHead = headLine.indexOf(base);
    if (inHead >= 0) return { status: 'ahead' as const, aheadBy: inHead, behindBy: 0 };
    const inBase = baseLine.indexOf(head);
    if (inBase >= 0) return { status: 'behind' as const, aheadBy: 0, behindBy: inBase };
    const common = headLine.find((sha) => baseLine.includes(sha));
    return {
      status: 'diverged' as const,
      aheadBy: common ? headLine.indexOf(common) : headLine.length,
      behindBy: common ? baseLine.indexOf(common) : baseLine.length,
    };
  }

  /** The commit and its ancestors, newest first. */
  private ancestry(sha: string): string[] {
    const line: string[] = [];
    for (let at: string | undefined = sha; at; at = this.commits.get(at)?.parent) line.push(at);
    return line;
  }

  private newSha(repoURL: string): string {
    return createHash('sha1').update(`${repoURL}:${++this.counter}:${Math.random()}`).digest('hex');
  }
}
