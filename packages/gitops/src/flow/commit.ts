import type { Logger } from '@mlops-actions/action-kit/logger';
import { GitHubClient, GitHubRepo, parseRepoName } from '@mlops-actions/github';
import { GitHubBranchWriter, githubFailure } from '../api.js';
import {
  GitBranchWriter,
  gitAuthEnv,
  gitBasicCredential,
  gitRunner,
  remoteDefaultBranch,
  remoteUrl,
  remoteWebUrl,
} from '../git.js';
import type { BumpRequest } from '../plan.js';
import { bumpWithPullRequest, type PullRequestResult } from '../pull-request.js';
import { commitRaceSafe, type RaceSafeOptions } from '../race.js';
import type { BumpOptions } from './options.js';

export interface CommitContext {
  request: BumpRequest;
  bumpId: string;
  runUrl?: string;
  serverUrl: string;
  logger: Logger;
  /** Registers a derived secret (the git credential) for masking. */
  mask: (secret: string) => void;
}

export type Outcome = Omit<PullRequestResult, 'reused' | 'headBranch'> &
  Partial<Pick<PullRequestResult, 'reused' | 'headBranch'>> & {
    branch: string;
  };

/** Runs the bump with the chosen commit method. */
export async function commitBump(options: BumpOptions, context: CommitContext): Promise<Outcome> {
  const race: RaceSafeOptions = {
    request: context.request,
    dryRun: options.dryRun,
    template: options.commitMessage,
    runUrl: context.runUrl,
    bumpId: context.bumpId,
    logger: context.logger,
  };
  if (options.method === 'git') return viaGit(options, context, race);

  const client = new GitHubClient({
    apiUrl: options.apiUrl,
    token: options.token!,
    deadline: options.deadline,
    logger: context.logger,
  });
  try {
    const repo = new GitHubRepo(client, parseRepoName(options.repository));
    const branch =
      options.branch ??
      (await repo
        .defaultBranch()
        .catch((error: unknown) => githubFailure(`reading repository ${repo.fullName}`, error)));
    if (options.method === 'pull-request') return { ...(await bumpWithPullRequest(repo, branch, race)), branch };
    return { ...(await commitRaceSafe(new GitHubBranchWriter(repo, branch, context.logger), race)), branch };
  } finally {
    await client.close();
  }
}

async function viaGit(options: BumpOptions, context: CommitContext, race: RaceSafeOptions): Promise<Outcome> {
  let git = gitRunner(options.path, options.deadline);
  const remote = await remoteUrl(git);
  if (options.token) {
    const credential = gitBasicCredential(options.token);
    context.mask(credential);
    git = gitRunner(options.path, options.deadline, gitAuthEnv(remote, credential));
  }
  const branch = options.branch ?? (await remoteDefaultBranch(git));
  // Links follow the checkout's remote (the GitOps repository), not the workflow's repository.
  const webUrl =
    remoteWebUrl(remote) ??
    (options.repository ? `${context.serverUrl.replace(/\/+$/, '')}/${options.repository}` : undefined);
  const writer = new GitBranchWriter({ git, branch, logger: context.logger, webUrl });
  return { ...(await commitRaceSafe(writer, race)), branch };
}
