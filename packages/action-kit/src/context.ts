import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where and for what an action runs: the one reader of GITHUB_* and RUNNER_* (and of their
 * equivalents outside GitHub), so every flow builds links and temp paths the same way.
 */
export interface RunContext {
  /** 'github' inside an Actions runner; 'local' for the CLI (GitLab CI, Jenkins, a laptop). */
  kind: 'github' | 'local';
  /** owner/name of the repository the run belongs to, when known. */
  repository?: string;
  /** The commit the run is for, when known. */
  sha?: string;
  /** Links to this run (the attempt included), for commit messages and provenance tags. */
  runUrl?: string;
  /** A short id of this run and attempt, unique enough to name a branch or a marker. */
  runId: string;
  serverUrl: string;
  apiUrl: string;
  /** The token the runner offers (github.token), when there is one. */
  token?: string;
  workspace: string;
  tempDir: string;
  toolCacheDir: string;
}

const GITHUB_SERVER = 'https://github.com';

export function githubRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const serverUrl = trimSlash(env.GITHUB_SERVER_URL || GITHUB_SERVER);
  const repository = env.GITHUB_REPOSITORY || undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT || '1';
  return {
    kind: 'github',
    repository,
    sha: env.GITHUB_SHA || undefined,
    runUrl:
      repository && env.GITHUB_RUN_ID
        ? `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}/attempts/${attempt}`
        : undefined,
    runId: `${env.GITHUB_RUN_ID || 'local'}.${attempt}`,
    serverUrl,
    apiUrl: trimSlash(env.GITHUB_API_URL || apiUrlOf(serverUrl)),
    token: env.GITHUB_TOKEN || undefined,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: env.RUNNER_TEMP || tmpdir(),
    toolCacheDir: env.RUNNER_TOOL_CACHE || join(tmpdir(), 'mlops-actions-tool-cache'),
  };
}

/**
 * Outside GitHub: GitLab CI's variables when present (the job URL is the run URL), else only what
 * the environment says. GITHUB_SERVER_URL, GITHUB_API_URL, GITHUB_REPOSITORY and GITHUB_TOKEN still
 * name the GitHub side of a GitOps repository hosted there.
 */
export function localRunContext(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): RunContext {
  const serverUrl = trimSlash(env.GITHUB_SERVER_URL || GITHUB_SERVER);
  const temp = env.MLOPS_TEMP_DIR || tmpdir();
  return {
    kind: 'local',
    repository: env.GITHUB_REPOSITORY || undefined,
    sha: env.CI_COMMIT_SHA || env.GIT_COMMIT || undefined,
    runUrl: env.CI_JOB_URL || env.BUILD_URL || undefined,
    runId: env.CI_JOB_ID || env.BUILD_NUMBER || 'local',
    serverUrl,
    apiUrl: trimSlash(env.GITHUB_API_URL || apiUrlOf(serverUrl)),
    token: env.GITHUB_TOKEN || undefined,
    workspace: cwd,
    tempDir: temp,
    toolCacheDir: env.MLOPS_TOOL_CACHE || join(temp, 'mlops-actions-tool-cache'),
  };
}

/** GitHub's context inside a runner, the local one anywhere else. */
export function runContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  return env.GITHUB_ACTIONS === 'true' ? githubRunContext(env) : localRunContext(env);
}

/** The value of a `${{ github.* }}` default in action.yml, from the context. */
export function contextExpression(context: RunContext, expression: string): string | undefined {
  const values: Record<string, string | undefined> = {
    'github.repository': context.repository,
    'github.token': context.token,
    'github.api_url': context.apiUrl,
    'github.server_url': context.serverUrl,
    'github.sha': context.sha,
    'github.workspace': context.workspace,
  };
  return values[expression];
}

function apiUrlOf(serverUrl: string): string {
  // GitHub Enterprise Server serves its API under /api/v3 of the same host.
  return serverUrl === GITHUB_SERVER ? 'https://api.github.com' : `${serverUrl}/api/v3`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
