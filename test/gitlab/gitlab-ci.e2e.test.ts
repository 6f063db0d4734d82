// examples/gitlab/.gitlab-ci.yml run as GitLab's shell executor would (test/gitlab/pipeline.ts): each
// job in a checkout of the model repository (examples/model-repo), its python the stack's model-repo
// virtualenv (the pins of the example's requirements.txt). CD runs against a bare GitOps repository,
// the Argo CD simulator and KServe's model server; CT also against MLflow and moto (the DVC remote).
// The CLI is installed the way the file says: a clone of the mlops-actions repository (here a local
// one holding the committed bundle) at a tag.
//
// Not gitlab-ci-local: 4.75.1 starts under Node 24 (under Node 20 it crashes: `kW.union is not a
// function`) and `--list` selects the same jobs per CI_PIPELINE_SOURCE, but running any job with
// --force-shell-executor first rsyncs the tracked files into .gitlab-ci-local/builds/, and rsync is
// not on this machine (`rsync: command not found`, exit 127), nor installable by the project's setup.
import { ListObjectsV2Command, CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { LocalRemote } from '../../packages/gitops/__tests__/git-helpers.js';
import { TEST_TOOL_CACHE } from '../dvc/fixtures.js';
import { GITOPS_REPO, TOKENS, startArgoCdSimulator, type ArgoCdSimulator } from '../fakes/argocd/index.js';
import { startKServe } from '../helpers/kserve.js';
import { startMlflow, type MlflowServer } from '../helpers/mlflow.js';
import { motoEnv, motoS3Client, startMoto } from '../helpers/moto.js';
import { node24, repoRoot, venvBin } from '../helpers/paths.js';
import { CLI_BUNDLE, parseOutputs } from '../helpers/run-cli.js';
import type { Service } from '../helpers/service.js';
import { scaled } from '../helpers/timeouts.js';
import { loadPipeline, runPipeline, type JobRun, type RunOptions } from './pipeline.js';

const pipeline = loadPipeline(join(repoRoot, 'examples', 'gitlab', '.gitlab-ci.yml'));
const GITOPS_TOKEN = 'glpat-gitopsWriteToken0000000000';
const MANIFEST = 'apps/iris/inference.yaml';
const MODEL = 'echo';
/** The DVC remote of examples/model-repo/.dvc/config. */
const DVC_BUCKET = 'your-org-ml-data';

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

/** The model repository as GitLab checks it out: examples/model-repo with the pipeline, committed. */
function modelRepository(dir: string): string {
  cpSync(join(repoRoot, 'examples', 'model-repo'), dir, { recursive: true });
  cpSync(join(repoRoot, 'examples', 'gitlab', '.gitlab-ci.yml'), join(dir, '.gitlab-ci.yml'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '--quiet', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'model repository');
  return dir;
}

describe('examples/gitlab/.gitlab-ci.yml', () => {
  let kserve: Service;
  let sim: ArgoCdSimulator;
  let mlflow: MlflowServer;
  let moto: Service;
  let s3: S3Client;
  let cli: LocalRemote;
  let work: string;
  let project: string;
  const gitops = new LocalRemote({
    [MANIFEST]: readFileSync(join(repoRoot, 'test', 'fixtures', 'gitops', 'custom-predictor.yaml'), 'utf8'),
  });

  /** A pipeline of `source` with these CI/CD variables; `predefined` overrides GitLab's (CI_COMMIT_SHORT_SHA…). */
  function options(
    source: string,
    variables: Record<string, string>,
    predefined: Record<string, string> = {},
  ): RunOptions {
    const home = mkdtempSync(join(work, 'home-'));
    return {
      source,
      workDir: mkdtempSync(join(work, `${source}-`)),
      project,
      jobTimeoutMs: scaled(240_000),
      predefined: {
        // The jobs' python, pip and dvc: the example's pinned runtime; node: Node 24, as node:24 has.
        PATH: [dirname(venvBin('model-repo', 'python')), dirname(node24()), process.env.PATH ?? ''].join(':'),
        HOME: home,
        CI_DEFAULT_BRANCH: 'main',
        CI_COMMIT_BRANCH: 'main',
        CI_COMMIT_SHORT_SHA: 'abc1234',
        CI_REGISTRY_IMAGE: 'registry.example.com/acme/iris',
        CI_JOB_URL: 'https://gitlab.example.com/acme/iris/-/jobs/91',
        CI_PIPELINE_ID: '4242',
        ...predefined,
      },
      variables: { MLOPS_ACTIONS_REPO: `file://${cli.bare}`, ...variables },
    };
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'gitlab-ci-'));
    cli = cliRepository();
    project = modelRepository(join(work, 'model-repo'));
    [sim, kserve, mlflow, moto] = await Promise.all([
      startArgoCdSimulator({ pollingIntervalMs: 180_000 }),
      startKServe({ models: ['echo'] }),
      startMlflow(),
      startMoto(),
    ]);
    sim.deployedApp('iris');
    s3 = motoS3Client(moto);
    await s3.send(new CreateBucketCommand({ Bucket: DVC_BUCKET }));
  }, scaled(240_000));
  afterAll(async () => {
    s3?.destroy();
    await Promise.all([kserve?.stop(), sim?.stop(), mlflow?.stop(), moto?.stop()]);
    gitops.remove();
    cli?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  /** The deployment the CD jobs talk to: the GitOps repository, Argo CD, the model server. */
  function cdVariables(): Record<string, string> {
    return {
      GITOPS_REPO_URL: gitops.bare,
      GITOPS_TOKEN,
      ARGOCD_SERVER: sim.url,
      ARGOCD_TOKEN: TOKENS.ci,
      ARGOCD_APPLICATION: 'iris',
      INFERENCE_SERVICE: 'custom-model',
      MODEL_URL: kserve.url,
      // One name for the model, in MLflow and on the model server (KServe's fixture serves echo).
      MODEL_NAME: MODEL,
      SAMPLE_REQUEST: '{"instances": [[1, 2]]}',
    };
  }

  /** Argo CD's repo server seeing the push: the simulator learns the commit the bump made. */
  function argoCdSeesBumps(run: JobRun): void {
    if (run.name === 'bump-image') sim.git.push(GITOPS_REPO, { sha: gitops.head(), manifests: gitops.show(MANIFEST) });
  }

  function failures(runs: JobRun[]): string[] {
    return runs.filter((run) => run.exitCode !== 0).map((run) => `${run.name}: ${run.stdout}\n${run.stderr}`);
  }

  it('CD: commits the image to the GitOps repository, waits for Argo CD to sync that commit, checks the model', async () => {
    const runs = await runPipeline(pipeline, { ...options('push', cdVariables()), afterJob: argoCdSeesBumps });
    const byName = (name: string) => runs.find((run) => run.name === name)!;
    expect(failures(runs)).toEqual([]);
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

  /** CD's deployment, plus what the CT jobs reach: MLflow, and moto as the DVC remote's S3. */
  function ctVariables(): Record<string, string> {
    return {
      ...cdVariables(),
      MLFLOW_TRACKING_URI: mlflow.url,
      ...motoEnv(moto),
      MLOPS_TOOL_CACHE: TEST_TOOL_CACHE,
      DVC_NO_ANALYTICS: '1',
      MLFLOW_DISABLE_TELEMETRY: 'true',
    };
  }

  it(
    'CT: a candidate under the thresholds is refused: the pipeline stops at the gate, nothing registered, pushed or deployed',
    async () => {
      const head = gitops.head();
      const run = options(
        'schedule',
        {
          ...ctVariables(),
          MODEL_NAME: 'churn-refused',
          GATE_THRESHOLDS: '{accuracy: {threshold: 0.999, greater_is_better: true}}',
        },
        { CI_COMMIT_SHORT_SHA: 'fed4321', CI_PIPELINE_ID: '4244' },
      );
      const runs = await runPipeline(pipeline, run);
      expect(runs.map((job) => [job.name, job.exitCode])).toEqual([
        ['check-payload', 0],
        ['train', 0],
        ['gate-and-register', 1],
      ]);
      expect(runs[2]!.stderr).toMatch(/^error: .*accuracy/m);
      expect(parseOutputs(runs[2]!.stdout)).toMatchObject({ passed: 'false', version: '' });
      const response = await fetch(`${mlflow.url}/api/2.0/mlflow/registered-models/get?name=churn-refused`, {
        signal: AbortSignal.timeout(scaled(30_000)),
      });
      expect(response.status).toBe(404);
      expect(gitops.head()).toBe(head);
    },
    scaled(600_000),
  );

  it(
    'CT: trains, gates and registers the model in MLflow, pushes the data with DVC, then deploys',
    async () => {
      const run = options(
        'trigger',
        { ...ctVariables(), DATA_VERSION: '1.4.0' },
        { CI_COMMIT_SHORT_SHA: 'def5678', CI_PIPELINE_ID: '4243' },
      );
      const runs = await runPipeline(pipeline, { ...run, afterJob: argoCdSeesBumps });
      expect(failures(runs)).toEqual([]);
      expect(runs.map((job) => job.name)).toEqual([
        'check-payload',
        'train',
        'gate-and-register',
        'dvc-push',
        'bump-image',
        'wait-sync',
        'health-check',
      ]);

      // The model is registered: its version 1 holds the alias challenger, from the run train made.
      const gate = parseOutputs(runs[2]!.stdout);
      expect(gate).toMatchObject({ passed: 'true', version: '1' });
      const alias = await mlflowGet<{ model_version: { version: string; run_id: string } }>(
        `registered-models/alias?name=${MODEL}&alias=challenger`,
      );
      expect(alias.model_version).toMatchObject({ version: '1', run_id: gate['run-id'] });
      const { run: logged } = await mlflowGet<{ run: { data: { tags: { key: string; value: string }[] } } }>(
        `runs/get?run_id=${gate['run-id']}`,
      );
      expect(logged.data.tags).toEqual(
        expect.arrayContaining([
          { key: 'data_version', value: '1.4.0' },
          { key: 'github_run_id', value: '4243' },
        ]),
      );

      // The data and the model are pushed: what dvc.lock names is in the remote, under DVC 3's layout.
      const lock = parse(readFileSync(join(run.workDir, 'train', 'dvc.lock'), 'utf8')) as {
        stages: Record<string, { outs: { path: string; md5: string }[] }>;
      };
      const outs = [...lock.stages.generate!.outs, ...lock.stages.train!.outs];
      const pushed = ['data/churn.csv', 'models/model.joblib'].map((path) => outs.find((out) => out.path === path)!);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: DVC_BUCKET, Prefix: 'churn/' }));
      const keys = listed.Contents?.map((object) => object.Key);
      for (const { md5 } of pushed) expect(keys).toContain(`churn/files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`);
      expect(parseOutputs(runs[3]!.stdout)).toMatchObject({ 'pushed-count': '2', remote: 'storage' });

      // …and CD deployed this pipeline's image.
      expect(gitops.show(MANIFEST)).toContain('registry.example.com/acme/iris:def5678');
      expect(parseOutputs(runs[6]!.stdout)).toMatchObject({ ready: 'true' });
    },
    scaled(900_000),
  );

  /** GET of MLflow's REST API 2.0. */
  async function mlflowGet<T>(path: string): Promise<T> {
    const response = await fetch(`${mlflow.url}/api/2.0/mlflow/${path}`, {
      signal: AbortSignal.timeout(scaled(30_000)),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  it.each([
    '1.4.0; touch pwned',
    '$(touch pwned)',
    '1.4.0\n$(touch pwned)',
    '--upload-pack=touch pwned',
    `1.4.0-${'a'.repeat(65)}`,
  ])('CT: a trigger payload DATA_VERSION=%j is rejected before any command runs', async (payload) => {
    const run = options('trigger', { DATA_VERSION: payload });
    const runs = await runPipeline(pipeline, run);
    expect(runs.map((job) => [job.name, job.exitCode])).toEqual([['check-payload', 2]]);
    expect(runs[0]!.stderr).toMatch(/^error: DATA_VERSION must be a version/m);
    expect(existsSync(join(run.workDir, 'check-payload', 'pwned'))).toBe(false);
  });
});
