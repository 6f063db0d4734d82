/**
 * The release steps of .github/workflows/release.yml, run from the committed bundle as
 *   node packages/release/dist/index.js [--check]
 * with the workflow's environment: RELEASE_VERSION (vX.Y.Z), GITHUB_TOKEN (contents: write),
 * GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_SHA, and GITHUB_STEP_SUMMARY for the summary. Reads the
 * notes from CHANGELOG.md in the working directory. With --check it only validates the version
 * and the CHANGELOG section, offline (the release workflow's first step, before the tests run).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { Deadline } from '@mlops-actions/action-kit/http';
import { consoleLogger } from '@mlops-actions/action-kit/logger';
import { defuseCommands } from '@mlops-actions/action-kit/workflow-commands';
import { GitHubClient, parseRepoName } from '@mlops-actions/github';
import { releaseNotes } from './changelog.js';
import { publishRelease, type PublishResult } from './publish.js';
import { ReleaseRepo } from './refs.js';
import { requireVersion, type Version } from './version.js';

/** Every GitHub call of a release together; the publish job's timeout-minutes (10) is above it. */
const BUDGET_MS = 5 * 60_000;

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is not set: release.yml passes it to this step`);
  return value;
}

function summary(result: PublishResult, version: string): string {
  const major =
    result.major.action === 'keep'
      ? `${result.major.tag} kept at \`${result.major.at.slice(0, 12)}\`: ${result.major.reason}`
      : `${result.major.tag} → ${version} (\`${result.major.to.slice(0, 12)}\`, ${result.major.action === 'create' ? 'created' : 'fast-forwarded'})`;
  return [
    `### Release ${version}`,
    '',
    `- release: ${result.release.url}${result.release.created ? '' : ' (already existed)'}`,
    `- tag ${version}: ${result.tagCreated ? 'created' : 'pushed before the run'}`,
    `- ${major}`,
    '',
  ].join('\n');
}

/** The version and its notes, or an error naming what is wrong. */
export function checkRelease(env: NodeJS.ProcessEnv): { version: Version; notes: string } {
  const version = requireVersion(required(env, 'RELEASE_VERSION'), 'RELEASE_VERSION');
  return { version, notes: releaseNotes(readFileSync(env.CHANGELOG_PATH ?? 'CHANGELOG.md', 'utf8'), version) };
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<PublishResult> {
  const logger = consoleLogger();
  const { version, notes } = checkRelease(env);
  const sha = required(env, 'GITHUB_SHA');
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`GITHUB_SHA "${sha}" is not a full commit SHA`);
  const github = new GitHubClient({
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    token: required(env, 'GITHUB_TOKEN'),
    deadline: Deadline.after(BUDGET_MS, "the release's 5-minute budget"),
    logger,
  });
  try {
    const repo = new ReleaseRepo(github, parseRepoName(required(env, 'GITHUB_REPOSITORY')));
    const result = await publishRelease({ repo, version, sha, notes, logger });
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, summary(result, version.tag));
    return result;
  } finally {
    await github.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const run = process.argv.includes('--check')
    ? Promise.resolve().then(() => console.log(`${checkRelease(process.env).version.tag}: notes found`))
    : main();
  run.catch((error: unknown) => {
    // Server messages may carry anything: no line of them may start a workflow command.
    const message = defuseCommands(error instanceof Error ? error.message : String(error));
    process.stderr.write(`release failed: ${message}\n`);
    process.exitCode = 1;
  });
}
