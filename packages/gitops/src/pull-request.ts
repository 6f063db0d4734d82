import { createHash } from 'node:crypto';
import { HttpError } from '@mlops-actions/action-kit/http';
import { isUnprocessable, type GitHubRepo, type PullRequest } from '@mlops-actions/github';
import { githubFailure, GitHubBranchWriter } from './api.js';
import { commitMessage } from './message.js';
import { planBump, type BumpPlan } from './plan.js';
import { commitRaceSafe, type BumpResult, type RaceSafeOptions } from './race.js';

export interface PullRequestResult extends BumpResult {
  pullRequest?: { number: number; url: string };
  /** True when an open pull request of the same bump already existed. */
  reused: boolean;
  headBranch?: string;
}

/** The same bump (file, values) always maps to the same branch, so a re-run finds its pull request. */
export function pullRequestBranch(plan: BumpPlan): string {
  const slug =
    plan.name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'image';
  const key = JSON.stringify([plan.file, plan.fields.map((f) => [f.field, f.after])]);
  return `bump/${slug}-${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
}

/**
 * Proposes the bump as a pull request: a branch from the base tip, one GitHub-signed commit on it,
 * and the pull request. An open pull request of the same bump is reused; when anything fails after
 * the branch was created, the branch is deleted again.
 */
export async function bumpWithPullRequest(
  repo: GitHubRepo,
  baseBranch: string,
  options: RaceSafeOptions,
): Promise<PullRequestResult> {
  const { logger } = options;
  const base = new GitHubBranchWriter(repo, baseBranch, logger);
  const head = await base.head();
  const plan = await planBump(head.snapshot, options.request);
  const unchanged = { plan, base: head.oid, attempts: 1, reused: false };
  if (plan.changes.length === 0) return { ...unchanged, changed: false, dryRun: Boolean(options.dryRun) };
  if (options.dryRun) return { ...unchanged, changed: true, dryRun: true };

  const headBranch = pullRequestBranch(plan);
  const existing = await listOpen(repo, headBranch);
  if (existing) {
    logger.info(`An open pull request of this bump exists: ${existing.html_url}`);
    const onBranch = await commitRaceSafe(new GitHubBranchWriter(repo, headBranch, logger), options);
    return { ...onBranch, headBranch, reused: true, pullRequest: { number: existing.number, url: existing.html_url } };
  }

  await createOrReset(repo, headBranch, head.oid);
  try {
    const onBranch = await commitRaceSafe(new GitHubBranchWriter(repo, headBranch, logger), options);
    const message = commitMessage(plan, options);
    const pull = await openPullRequest(repo, {
      title: message.headline,
      head: headBranch,
      base: baseBranch,
      body: pullRequestBody(plan, message.body),
    });
    return { ...onBranch, headBranch, reused: false, pullRequest: { number: pull.number, url: pull.html_url } };
  } catch (error) {
    logger.info(`Deleting branch ${headBranch}: the bump did not complete`);
    await repo.deleteBranch(headBranch).catch((cleanup: unknown) => {
      logger.warning(`Could not delete branch ${headBranch}: ${String(cleanup)}; delete it by hand`);
    });
    throw error;
  }
}

async function listOpen(repo: GitHubRepo, headBranch: string): Promise<PullRequest | undefined> {
  try {
    return (await repo.openPullRequests(headBranch))[0];
  } catch (error) {
    githubFailure(`listing pull requests of ${repo.fullName}`, error);
  }
}

/** A branch left behind without a pull request (an earlier run died) is moved back to the base tip. */
async function createOrReset(repo: GitHubRepo, branch: string, sha: string): Promise<void> {
  try {
    await repo.createBranch(branch, sha);
  } catch (error) {
    if (!isUnprocessable(error)) githubFailure(`creating branch ${branch} in ${repo.fullName}`, error);
    await repo.moveBranch(branch, sha, true);
  }
}

/** POST /pulls is not idempotent: after an unknown outcome, look for it before failing. */
async function openPullRequest(
  repo: GitHubRepo,
  input: { title: string; body: string; head: string; base: string },
): Promise<PullRequest> {
  try {
    return await repo.createPullRequest(input);
  } catch (error) {
    if (error instanceof HttpError && (error.outcomeUnknown || isUnprocessable(error))) {
      const found = await listOpen(repo, input.head);
      if (found) return found;
    }
    githubFailure(`opening a pull request from ${input.head} into ${input.base}`, error);
  }
}

function pullRequestBody(plan: BumpPlan, trailers: string): string {
  const rows = plan.fields.map((f) => `| \`${f.field}\` | \`${f.before ?? ''}\` | \`${f.after}\` |`);
  return [
    `Bumps ${plan.target} in \`${plan.file}\`.`,
    '',
    '| field | from | to |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '```diff',
    plan.diff.trimEnd(),
    '```',
    '',
    trailers,
  ].join('\n');
}
