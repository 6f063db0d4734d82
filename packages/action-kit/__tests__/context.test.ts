import { describe, expect, it } from '@jest/globals';
import { githubRunContext, localRunContext, runContext } from '../src/context.js';

describe('runContext', () => {
  const runner = {
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/model-repo',
    GITHUB_SERVER_URL: 'https://ghe.example.com/',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '3',
    GITHUB_SHA: 'a'.repeat(40),
    RUNNER_TEMP: '/runner/temp',
    RUNNER_TOOL_CACHE: '/runner/tools',
  };

  it('links a GitHub run with its attempt, and derives a GHES API URL from the server', () => {
    const context = githubRunContext(runner);
    expect(context).toMatchObject({
      kind: 'github',
      repository: 'acme/model-repo',
      sha: 'a'.repeat(40),
      runUrl: 'https://ghe.example.com/acme/model-repo/actions/runs/42/attempts/3',
      runId: '42.3',
      serverUrl: 'https://ghe.example.com',
      apiUrl: 'https://ghe.example.com/api/v3',
      tempDir: '/runner/temp',
      toolCacheDir: '/runner/tools',
    });
    expect(githubRunContext({ GITHUB_API_URL: 'https://api.github.com' }).runUrl).toBeUndefined();
  });

  it('outside GitHub takes the GitLab job as the run, and api.github.com for a GitOps repository on GitHub', () => {
    const context = localRunContext(
      { CI_JOB_URL: 'https://gitlab.example.com/acme/m/-/jobs/7', CI_JOB_ID: '7', CI_COMMIT_SHA: 'b'.repeat(40) },
      '/work',
    );
    expect(context).toMatchObject({
      kind: 'local',
      runUrl: 'https://gitlab.example.com/acme/m/-/jobs/7',
      runId: '7',
      sha: 'b'.repeat(40),
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      workspace: '/work',
    });
  });

  it('chooses by GITHUB_ACTIONS', () => {
    expect(runContext(runner).kind).toBe('github');
    expect(runContext({ GITHUB_REPOSITORY: 'acme/model-repo' }).kind).toBe('local');
  });
});
