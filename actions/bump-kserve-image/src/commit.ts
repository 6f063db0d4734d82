import type { Logger } from '@mlops-actions/action-kit';
import { GitHubClient, GitHubRepo, parseRepoName } from '@mlops-actions/github';
import {
  GitBranchWriter,
  bumpWithPullRequest,
  commitRaceSafe,
  gitAuthEnv,
  gitBasicCredential,
  gitRunner,
  GitHubBranchWriter,
  githubFailure,
  remoteDefaultBranch,
  remoteUrl,
  remoteWebUrl,
  type BumpRequest,
  type PullRequestResult,
  type RaceSafeOptions,
} from '@mlops-actions/gitops';
import type { Settings } from './settings.js';

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
export async function commitBump(settings: Settings, context: CommitContext): Promise<Outcome> {
  const options: RaceSafeOptions = {
    request: context.request,
    dryRun: settings.dryRun,
    template: settings.commitMessage,
    runUrl: context.runUrl,
    bumpId: context.bumpId,
    logger: context.logger,
  };
  if (settings.method === 'git') return viaGit(settings, context, options);

  const client = new GitHubClient({
    apiUrl: settings.apiUrl,
    token: settings.token!,
    deadline: settings.deadline,
    logger: context.logger,
  });
  try {
    const repo = new GitHubRepo(client, parseRepoName(settings.repository));
    const branch =
      settings.branch ??
      (await repo
        .defaultBranch()
        .catch((error: unknown) => githubFailure(`reading repository ${repo.fullName}`, error)));
    if (settings.method === 'pull-request') return { ...(await bumpWithPullRequest(repo, branch, options)), branch };
    return { ...(await commitRaceSafe(new GitHubBranchWriter(repo, branch, context.logger), options)), branch };
  } finally {
    await client.close();
  }
}

async function viaGit(settings: Settings, context: CommitContext, options: RaceSafeOptions): Promise<Outcome> {
  let git = gitRunner(settings.path);
  const remote = await remoteUrl(git);
  if (settings.token) {
    const credential = gitBasicCredential(settings.token);
    context.mask(credential);
    git = gitRunner(settings.path, gitAuthEnv(remote, credential));
  }
  const branch = settings.branch ?? (await remoteDefaultBranch(git));
  // Links follow the checkout's remote (the GitOps repository), not the workflow's repository.
  const webUrl =
    remoteWebUrl(remote) ??
    (settings.repository ? `${context.serverUrl.replace(/\/+$/, '')}/${settings.repository}` : undefined);
  const writer = new GitBranchWriter({ git, branch, logger: context.logger, webUrl });
  return { ...(await commitRaceSafe(writer, options)), branch };
}
