// release.yml run by a real Actions runner (act, test/workflows harness) against the GitHub API
// fake: v1.2.0 after v1.1.0 publishes the release with its CHANGELOG notes and moves v1 to the new
// commit; v1.0.9 after v1.1.0 (a backport) is published but v1 stays at v1.1.0.
//
// The repository act runs in is a copy of this one with a release history (v1.0.0, v1.1.0 = v1,
// then v1.2.0 on top and v1.0.9 on a branch from v1.0.0); the fake serves a bare clone of it.
// Everything in both jobs runs for real (the committed release bundle, the CHANGELOG check, the
// GitHub calls) except the test command: `scripts/test.sh` is this suite, so running it would run
// this test again, recursively, with the whole suite's time. The copy's scripts/test.sh is
// therefore a stand-in that records that the workflow called it; the checks it stands for (dist/
// equal to a fresh bundle, README tables, every test) are the suite itself, run by .ci/run and on
// GitHub by self-test.yml.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeGitHub } from '../fakes/github/server.js';
import { repoRoot } from '../helpers/paths.js';
import { scaled } from '../helpers/timeouts.js';
import { startHarness, type Harness, type WorkflowRun } from './run-workflow.js';

const TOKEN = 'ghs_releaseWorkflowToken0123';
const REPOSITORY = 'acme/mlops-actions';
const TEST_COMMAND_STAND_IN = `#!/usr/bin/env bash
# Harness stand-in for the test command (see test/workflows/release.e2e.test.ts): records the call.
set -euo pipefail
echo "scripts/test.sh ran in $PWD" >> "$MLOPS_TEST_COMMAND_RECORD"
`;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'maintainer',
      GIT_AUTHOR_EMAIL: 'maintainer@localhost',
      GIT_COMMITTER_NAME: 'maintainer',
      GIT_COMMITTER_EMAIL: 'maintainer@localhost',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  }).trim();
}

/** CHANGELOG.md with a section for `version` above the latest release's. */
function withSection(changelog: string, version: string, entry: string): string {
  return changelog.replace(/^## \[\d/m, `## [${version}] - 2026-12-07\n\n### Fixed\n\n- ${entry}\n\n$&`);
}

/** This repository's tracked files as a git repository with release tags; returns the commits. */
function releaseHistory(dir: string) {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(dir, file));
  }
  writeFileSync(join(dir, 'scripts', 'test.sh'), TEST_COMMAND_STAND_IN);
  chmodSync(join(dir, 'scripts', 'test.sh'), 0o755);
  const changelog = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
  const commit = (message: string, text: string) => {
    writeFileSync(join(dir, 'CHANGELOG.md'), text);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  git(dir, 'init', '-q', '--initial-branch=main');
  const v100 = commit('v1.0.0', changelog);
  git(dir, 'tag', 'v1.0.0', v100);
  const v110 = commit('v1.1.0', withSection(changelog, '1.1.0', 'the 1.1 fix'));
  git(dir, 'tag', '-a', '-m', 'v1.1.0', 'v1.1.0', v110);
  git(dir, 'tag', 'v1', v110);
  const v120 = commit('v1.2.0', withSection(withSection(changelog, '1.1.0', 'the 1.1 fix'), '1.2.0', 'the 1.2 fix'));
  git(dir, 'tag', 'v1.2.0', v120);
  git(dir, 'checkout', '-q', '-b', 'release-1.0', v100);
  const v109 = commit('v1.0.9', withSection(changelog, '1.0.9', 'the backported fix'));
  git(dir, 'tag', 'v1.0.9', v109);
  return { v110, v120, v109 };
}

describe('release.yml under act', () => {
  let harness: Harness;
  let fake: FakeGitHub;
  let scratch: string;
  let workdir: string;
  let bare: string;
  let commits: ReturnType<typeof releaseHistory>;
  let origins = 0;

  const tagged = (tag: string) => git(bare, 'rev-parse', `refs/tags/${tag}^{commit}`);
  const record = () => join(scratch, 'test-command.log');
  const release = (branch: string, version: string): Promise<WorkflowRun> => {
    git(workdir, 'checkout', '-q', branch);
    return harness.runWorkflow({
      workdir,
      workflow: '.github/workflows/release.yml',
      event: 'workflow_dispatch',
      inputs: { version },
      secrets: { GITHUB_TOKEN: TOKEN },
      githubApiUrl: fake.apiUrl,
      repository: REPOSITORY,
      env: { MLOPS_TEST_COMMAND_RECORD: record() },
      timeoutMs: scaled(240_000),
    });
  };
  const failure = (run: WorkflowRun) =>
    `exit ${run.exitCode}\n${run.describe()}\n${run.log.split('\n').slice(-40).join('\n')}`;

  /** A run whose two jobs succeeded (else the failure shows each step and the log's end). */
  const released = async (branch: string, version: string) => {
    const run = await release(branch, version);
    expect(run.exitCode === 0 ? 'ok' : failure(run)).toBe('ok');
    expect([run.job('verify').result, run.job('publish').result]).toEqual(['success', 'success']);
    return run;
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'release-e2e-'));
    workdir = join(scratch, 'mlops-actions');
    mkdirSync(workdir);
    commits = releaseHistory(workdir);
    harness = await startHarness();
  }, scaled(120_000));

  /** Each case starts from the same history on GitHub: v1.0.0, v1.1.0 (= v1), v1.2.0 and v1.0.9 pushed. */
  beforeEach(async () => {
    await fake?.stop();
    bare = join(scratch, `origin-${++origins}.git`);
    git(scratch, 'clone', '-q', '--bare', workdir, bare);
    fake = await FakeGitHub.start(TOKEN, { [REPOSITORY]: { bare } });
    rmSync(record(), { force: true });
  });

  afterAll(async () => {
    await fake?.stop();
    await harness?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it(
    'v1.2.0 after v1.1.0: verifies, publishes the release with its notes, moves v1 to the new commit',
    async () => {
      await released('main', 'v1.2.0');
      expect(readFileSync(record(), 'utf8')).toMatch(/^scripts\/test\.sh ran in /);
      expect(fake.releases.get(REPOSITORY)).toEqual([
        expect.objectContaining({ tag_name: 'v1.2.0', body: '### Fixed\n\n- the 1.2 fix', make_latest: 'true' }),
      ]);
      expect(tagged('v1')).toBe(commits.v120);
    },
    scaled(300_000),
  );

  it(
    'v1.0.9 after v1.1.0: publishes the backport and refuses to move v1 backwards',
    async () => {
      const run = await released('release-1.0', 'v1.0.9');
      expect(fake.releases.get(REPOSITORY)).toEqual([
        expect.objectContaining({
          tag_name: 'v1.0.9',
          body: '### Fixed\n\n- the backported fix',
          make_latest: 'false',
        }),
      ]);
      expect(tagged('v1')).toBe(commits.v110);
      expect(run.log).toContain('v1.0.9 is lower than v1.1.0, the release v1 names: v1 stays at v1.1.0');
    },
    scaled(300_000),
  );
});
