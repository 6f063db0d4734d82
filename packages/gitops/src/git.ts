import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactText, type Deadline } from '@mlops-actions/action-kit/http';
import { DeadlineExceededError, runUnderDeadline, type RunResult } from '@mlops-actions/action-kit/subprocess';
import type { Logger } from '@mlops-actions/action-kit/logger';
import { BumpError } from './errors.js';
import type { RepoSnapshot } from './files.js';
import { fullMessage, hasBumpId, type CommitMessage } from './message.js';
import type { BumpPlan } from './plan.js';
import type { BranchWriter, CommitOutcome, Landed } from './race.js';

export type GitResult = RunResult;

/** Runs git with an argv (never a shell), optional stdin and extra environment. */
export type GitRun = (
  args: string[],
  options?: { input?: string | Buffer; env?: Record<string, string> },
) => Promise<GitResult>;

/** git in `cwd`, every command under the step's deadline (its whole process group killed when it passes). */
export function gitRunner(cwd: string, deadline: Deadline, env: Record<string, string | undefined> = {}): GitRun {
  return (args, options = {}) =>
    runUnderDeadline('git', args, {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env, ...options.env } as NodeJS.ProcessEnv,
      input: options.input,
      deadline,
    });
}

/** The base64 credential of an `Authorization: basic` header for a GitHub token (mask it). */
export function gitBasicCredential(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString('base64');
}

/**
 * Environment that makes git send the token as an HTTP header to the remote's origin only, through
 * GIT_CONFIG_* (never argv, never the remote URL). The empty first value clears any header a
 * checkout step persisted, so git does not send two Authorization headers.
 */
export function gitAuthEnv(remoteUrl: string, credential: string): Record<string, string> {
  if (!/^https?:\/\//i.test(remoteUrl)) return {};
  const origin = new URL(remoteUrl).origin;
  const key = `http.${origin}/.extraheader`;
  return {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: key,
    GIT_CONFIG_VALUE_0: '',
    GIT_CONFIG_KEY_1: key,
    GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${credential}`,
  };
}

const BOT_IDENTITY = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

export class GitCommandError extends Error {
  override name = 'GitCommandError';
}

/** Runs git and returns stdout; a failure names the command (without secrets) and git's message. */
async function must(git: GitRun, args: string[], options?: Parameters<GitRun>[1]): Promise<Buffer> {
  const result = await git(args, options);
  if (result.stoppedBy) {
    throw new DeadlineExceededError(
      `git ${args[0]} was stopped: ${result.stoppedBy} has passed before it finished, so the bump stopped there. Check that the GitOps remote answers from this runner, or raise the step's timeout`,
    );
  }
  if (result.code !== 0) {
    throw new GitCommandError(
      `git ${args[0]} failed: ${redactText(result.stderr.trim().split('\n').slice(-3).join(' '))}`,
    );
  }
  return result.stdout;
}

interface TreeEntry {
  mode: string;
  oid: string;
}

/** The files of one commit, read from the object store (the working tree is never looked at). */
export class GitCommitSnapshot implements RepoSnapshot {
  private entries?: Map<string, TreeEntry>;

  constructor(
    private readonly git: GitRun,
    readonly commit: string,
  ) {}

  async tree(): Promise<Map<string, TreeEntry>> {
    if (!this.entries) {
      const out = (await must(this.git, ['ls-tree', '-r', '-z', '--full-tree', this.commit])).toString('utf8');
      this.entries = new Map();
      for (const record of out.split('\0')) {
        const match = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(record);
        if (match && match[1] !== '120000') this.entries.set(match[3]!, { mode: match[1]!, oid: match[2]! });
      }
    }
    return this.entries;
  }

  async paths(): Promise<string[]> {
    return [...(await this.tree()).keys()];
  }

  async read(path: string): Promise<Buffer> {
    return (await this.readMany([path])).get(path)!;
  }

  /** One `git cat-file --batch` for all of them. */
  async readMany(paths: readonly string[]): Promise<Map<string, Buffer>> {
    const tree = await this.tree();
    const oids = paths.map((path) => {
      const entry = tree.get(path);
      if (!entry) throw new BumpError(`${path} is not a file in commit ${this.commit}`);
      return entry.oid;
    });
    const out = await must(this.git, ['cat-file', '--batch'], { input: oids.join('\n') + '\n' });
    const result = new Map<string, Buffer>();
    let at = 0;
    for (const path of paths) {
      const headerEnd = out.indexOf(0x0a, at);
      const size = Number(out.subarray(at, headerEnd).toString('utf8').split(' ')[2]);
      result.set(path, out.subarray(headerEnd + 1, headerEnd + 1 + size));
      at = headerEnd + 1 + size + 1;
    }
    return result;
  }
}

export interface GitWriterOptions {
  git: GitRun;
  remote?: string;
  branch: string;
  logger: Logger;
  /** For commit links: https://github.com/owner/name */
  webUrl?: string;
  author?: { name: string; email: string };
}

/**
 * Writes through git: fetch the branch, build the commit with plumbing on the fetched tip (a
 * temporary index; the checkout's working tree and branches stay as they are) and push it without
 * force, so the remote accepts it only as a fast-forward of the tip it was built on.
 */
export class GitBranchWriter implements BranchWriter {
  private readonly remote: string;

  constructor(private readonly options: GitWriterOptions) {
    this.remote = options.remote ?? 'origin';
  }

  async head(): Promise<{ oid: string; snapshot: GitCommitSnapshot }> {
    const { git, branch } = this.options;
    const tracking = `refs/remotes/${this.remote}/${branch}`;
    await must(git, ['fetch', '--no-tags', '--quiet', this.remote, `+refs/heads/${branch}:${tracking}`]);
    const oid = (await must(git, ['rev-parse', '--verify', `${tracking}^{commit}`])).toString('utf8').trim();
    return { oid, snapshot: new GitCommitSnapshot(git, oid) };
  }

  async commit(base: string, plan: BumpPlan, message: CommitMessage): Promise<CommitOutcome> {
    const { git, branch } = this.options;
    const commit = await this.buildCommit(base, plan, message);
    const push = await git(['push', '--porcelain', this.remote, `${commit}:refs/heads/${branch}`]);
    if (push.stoppedBy) {
      throw new DeadlineExceededError(
        `git push to ${branch} was stopped: ${push.stoppedBy} has passed before the remote answered, so whether commit ${commit.slice(0, 12)} landed is unknown. Look at ${branch}; running the bump again is safe (it commits nothing when the manifest already holds the target)`,
      );
    }
    if (push.code === 0) {
      await this.followInCheckout(commit);
      return { kind: 'landed', sha: commit, url: this.url(commit) };
    }
    const output = `${push.stdout.toString('utf8')}\n${push.stderr}`;
    // Another push holding the ref lock at the same moment: the branch moved, like a rejection.
    if (/\[remote rejected\].*(failed to update ref|cannot lock ref|incorrect old value)/.test(output)) {
      return { kind: 'stale', reason: `${branch} was being updated by another push at the same moment` };
    }
    if (/\[remote rejected\]/.test(output)) {
      const reason = /\[remote rejected\][^\n]*/.exec(output)![0];
      throw new BumpError(
        `the remote refused the push to ${branch}: ${redactText(reason)}. A branch protection rule or hook blocks direct pushes: use commit-method: pull-request, or allow this token to push`,
      );
    }
    if (/\[rejected\]|non-fast-forward|fetch first|stale info/.test(output)) {
      return { kind: 'stale', reason: `${branch} moved on the remote while this commit was built` };
    }
    return { kind: 'unknown', reason: `git push failed: ${redactText(push.stderr.trim().split('\n').pop() ?? '')}` };
  }

  async findLanded(bumpId: string): Promise<Landed | undefined> {
    const { git, branch } = this.options;
    try {
      await this.head();
    } catch (error) {
      this.options.logger.warning(`Could not re-read ${branch} to check the push: ${String(error)}`);
      return undefined;
    }
    const log = (
      await must(git, ['log', '-n', '50', '--format=%H%x00%B%x01', `refs/remotes/${this.remote}/${branch}`])
    ).toString('utf8');
    for (const record of log.split('\x01')) {
      const [sha, body] = record.replace(/^\n/, '').split('\0');
      if (sha && body && hasBumpId(body, bumpId)) {
        await this.followInCheckout(sha);
        return { sha, url: this.url(sha) };
      }
    }
    return undefined;
  }

  /**
   * Later steps of the job read the checkout: its branch fast-forwards to the pushed commit, work
   * tree and index included. `git merge --ff-only` refuses before changing anything when that would
   * lose a local edit or an untracked file, or when the branch has commits of its own; the
   * checkout then stays exactly as it was, and the log says so. A detached HEAD is not moved.
   */
  private async followInCheckout(sha: string): Promise<void> {
    const { git, branch, logger } = this.options;
    const ref = `refs/heads/${branch}`;
    const head = await git(['symbolic-ref', '--quiet', 'HEAD']);
    if (head.code !== 0 || head.stdout.toString('utf8').trim() !== ref) {
      // The branch is not checked out: only its ref follows, when that is a fast-forward.
      const local = await git(['rev-parse', '--quiet', '--verify', `${ref}^{commit}`]);
      const old = local.stdout.toString('utf8').trim();
      if (local.code === 0 && (await git(['merge-base', '--is-ancestor', old, sha])).code === 0) {
        await git(['update-ref', ref, sha, old]);
      }
      return;
    }
    const merge = await git(['merge', '--ff-only', '--quiet', '--no-stat', sha]);
    if (merge.code === 0) return;
    const before = (await git(['rev-parse', 'HEAD'])).stdout.toString('utf8').trim().slice(0, 12);
    const why = merge.stoppedBy
      ? `${merge.stoppedBy} had passed`
      : redactText(merge.stderr.trim().split('\n').slice(0, 2).join(' '));
    logger.warning(
      `Pushed ${sha.slice(0, 12)} to ${branch}, but the checkout stays at ${before}: ${why}. Run 'git pull --ff-only' there before later steps read its files`,
    );
  }

  private async buildCommit(base: string, plan: BumpPlan, message: CommitMessage): Promise<string> {
    const { git } = this.options;
    const tree = await new GitCommitSnapshot(git, base).tree();
    const dir = mkdtempSync(join(process.env.RUNNER_TEMP ?? tmpdir(), 'bump-index-'));
    const env = { GIT_INDEX_FILE: join(dir, 'index') };
    try {
      await must(git, ['read-tree', base], { env });
      for (const change of plan.changes) {
        const blob = (await must(git, ['hash-object', '-w', '--stdin'], { input: Buffer.from(change.after, 'utf8') }))
          .toString('utf8')
          .trim();
        const mode = tree.get(change.path)?.mode ?? '100644';
        await must(git, ['update-index', '--add', '--cacheinfo', `${mode},${blob},${change.path}`], { env });
      }
      const newTree = (await must(git, ['write-tree'], { env })).toString('utf8').trim();
      const author = this.options.author ?? identityFromEnv();
      return (
        await must(git, ['commit-tree', newTree, '-p', base, '-F', '-'], {
          input: fullMessage(message),
          env: {
            GIT_AUTHOR_NAME: author.name,
            GIT_AUTHOR_EMAIL: author.email,
            GIT_COMMITTER_NAME: author.name,
            GIT_COMMITTER_EMAIL: author.email,
          },
        })
      )
        .toString('utf8')
        .trim();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private url(sha: string): string | undefined {
    return this.options.webUrl ? `${this.options.webUrl}/commit/${sha}` : undefined;
  }
}

function identityFromEnv(): { name: string; email: string } {
  return {
    name: process.env.GIT_AUTHOR_NAME || BOT_IDENTITY.name,
    email: process.env.GIT_AUTHOR_EMAIL || BOT_IDENTITY.email,
  };
}

/** The branch the remote's HEAD points at (its default branch). */
export async function remoteDefaultBranch(git: GitRun, remote = 'origin'): Promise<string> {
  const out = (await must(git, ['ls-remote', '--symref', remote, 'HEAD'])).toString('utf8');
  const match = /^ref: refs\/heads\/(\S+)\tHEAD/m.exec(out);
  if (!match) throw new BumpError(`could not tell the default branch of ${remote}: set the branch input`);
  return match[1]!;
}

export async function remoteUrl(git: GitRun, remote = 'origin'): Promise<string> {
  return (await must(git, ['remote', 'get-url', remote])).toString('utf8').trim();
}

/**
 * The web page of a remote (`https://host/owner/name`) for commit links: from an https or
 * scp-style SSH URL; undefined for a path or anything else. Credentials in the URL are dropped.
 */
export function remoteWebUrl(remote: string): string | undefined {
  const https = /^https?:\/\/(?:[^@/]*@)?([^/]+)\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(remote);
  if (https) return `https://${https[1]}/${https[2]}/${https[3]}`;
  const ssh = /^(?:ssh:\/\/)?[^@/]+@([^:/]+)[:/]([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(remote);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}/${ssh[3]}`;
  return undefined;
}
