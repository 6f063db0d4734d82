// examples/gitlab/.gitlab-ci.yml run as GitLab's shell executor would (test/gitlab/pipeline.ts),
// against the stand-ins of the CLI's own test: a bare GitOps repository, the Argo CD simulator and
// KServe's model server. The CLI is installed the way the file says: a clone of the mlops-actions
// repository (here a local one holding the committed bundle) at a tag.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalRemote } from '../../packages/gitops/__tests__/git-helpers.js';
import { GITOPS_REPO, TOKENS, startArgoCdSimulator, type ArgoCdSimulator } from '../fakes/argocd/index.js';
import { startKServe } from '../helpers/kserve.js';
import { node24, repoRoot } from '../helpers/paths.js';
import { CLI_BUNDLE, parseOutputs } from '../helpers/run-cli.js';
import type { Service } from '../helpers/service.js';
import { scaled } from '../helpers/timeouts.js';
import { loadPipeline, runPipeline, type JobRun, type RunOptions } from './pipeline.js';

const pipeline = loadPipeline(join(repoRoot, 'examples', 'gitlab', '.gitlab-ci.yml'));
const GITOPS_TOKEN = 'glpat-gitopsWriteToken0000000000';
const MANIFEST = 'apps/iris/inference.yaml';

/** The mlops-actions repository as the jobs clone it: the committed CLI bundle, tagged. */
function cliRepository(): LocalRemote {
  const dist = dirname(CLI_BUNDLE);
  const files = Object.fromEntries(
    readdirSync(dist).map((name) => [`packages/cli/dist/${name}`, readFileSync(join(dist, name), 'utf8')]),
  );
  const repo = new LocalRemote(files);
  execFileSync('git', ['tag', 'v1.0.0', 'main'], { cwd: repo.bare });
  return repo;
}

describe('examples/gitlab/.gitlab-ci.yml', () => {
  let kserve: Service;
  let sim: ArgoCdSimulator;
  let cli: LocalRemote;
  let work: string;
  const gitops = new LocalRemote({
    [MANIFEST]: readFileSync(join(repoRoot, 'test', 'fixtures', 'gitops', 'custom-predictor.yaml'), 'utf8'),
  });

  function options(source: string, variables: Record<string, string>): RunOptions {
    const home = mkdtempSync(join(work, 'home-'));
    return {
      source,
      workDir: mkdtempSync(join(work, `${source}-`)),
      jobTimeoutMs: scaled(120_000),
      predefined: {
        PATH: `${dirname(node24())}:${process.env.PATH ?? ''}`,
        HOME: home,
        CI_DEFAULT_BRANCH: 'main',
        CI_COMMIT_BRANCH: 'main',
        CI_COMMIT_SHORT_SHA: 'abc1234',
        CI_REGISTRY_IMAGE: 'registry.example.com/acme/iris',
        CI_JOB_URL: 'https://gitlab.example.com/acme/iris/-/jobs/91',
      },
      variables: { MLOPS_ACTIONS_REPO: `file://${cli.bare}`, ...variables },
    };
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'gitlab-ci-'));
    cli = cliRepository();
    sim = await startArgoCdSimulator({ pollingIntervalMs: 180_000 });
    sim.deployedApp('iris');
    kserve = await startKServe({ models: ['echo'] });
  }, scaled(120_000));
  afterAll(async () => {
    await Promise.all([kserve?.stop(), sim?.stop()]);
    gitops.remove();
    cli?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('CD: commits the image to the GitOps repository, waits for Argo CD to sync that commit, checks the model', async () => {
    const runs = await runPipeline(pipeline, {
      ...options('push', {
        GITOPS_REPO_URL: gitops.bare,
        GITOPS_TOKEN,
        ARGOCD_SERVER: sim.url,
        ARGOCD_TOKEN: TOKENS.ci,
        ARGOCD_APPLICATION: 'iris',
        INFERENCE_SERVICE: 'custom-model',
        MODEL_URL: kserve.url,
        MODEL_NAME: 'echo',
      }),
      // Argo CD's repo server seeing the push: the simulator learns the commit the bump made.
      afterJob: (run) => {
        if (run.name === 'bump-image')
          sim.git.push(GITOPS_REPO, { sha: gitops.head(), manifests: gitops.show(MANIFEST) });
      },
    });
    const byName = (name: string) => runs.find((run) => run.name === name)!;
    const failed = runs.filter((run) => run.exitCode !== 0).map((run) => `${run.name}: ${run.stderr}`);
    expect(failed).toEqual([]);
    expect(runs.map((run) => run.name)).toEqual(['bump-image', 'wait-sync', 'health-check']);

    expect(gitops.show(MANIFEST)).toContain('registry.example.com/acme/iris:abc1234');
    expect(parseOutputs(byName('wait-sync').stdout)).toMatchObject({
      revision: gitops.head(),
      'sync-status': 'Synced',
      'health-status': 'Healthy',
    });
    expect(parseOutputs(byName('health-check').stdout)).toMatchObject({ ready: 'true' });
    const logs = runs.map((run: JobRun) => run.stdout + run.stderr).join('\n');
    expect(logs).not.toContain(TOKENS.ci);
    expect(logs).not.toContain(GITOPS_TOKEN);
  });

  it.each(['main; touch pwned', '$(touch pwned)', '--upload-pack=touch pwned', 'a'.repeat(101)])(
    'CT: a trigger payload DATA_REV=%s is rejected before any command runs',
    async (payload) => {
      const run = options('trigger', { DATA_REV: payload });
      const runs = await runPipeline(pipeline, run);
      expect(runs.map((job) => [job.name, job.exitCode])).toEqual([['check-payload', 2]]);
      expect(runs[0]!.stderr).toMatch(/^error: DATA_REV must be/m);
      expect(existsSync(join(run.workDir, 'check-payload', 'pwned'))).toBe(false);
    },
  );
});
