/**
 * The example model repository (examples/model-repo) as its workflows see it, for the tests and
 * for scripts/pipeline.sh: a consumer repository act runs in, the stand-ins its callers talk to
 * (MLflow keeping artifacts in moto S3, the DVC remote on moto, the GitOps repository behind the
 * fake GitHub API, a local Argo CD per environment) and the act harness.
 *
 *   const repo = await startExampleRepo();
 *   await repo.ct({ event: 'schedule' });                                  // a WorkflowRun
 *   await repo.newData({ rows: 2000, seed: 11 });                          // the data pipeline
 *   await repo.ct({ event: 'repository_dispatch', payload: { model: 'churn', 'data-version': '1.1.0' } });
 *   await repo.promote();
 *   await repo.stop();
 *
 * The example's ct.yml and promote.yml run unchanged; what changes between runs is what a real
 * repository would see change: commits to params.yaml and dvc.lock, data in the DVC remote.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseDocument } from 'yaml';
import { MOTO_CREDENTIALS } from '../helpers/moto.js';
import { stackDir } from '../helpers/paths.js';
import { scaled } from '../helpers/timeouts.js';
import { git } from '../pipeline/gitops-repo.js';
import { exportConsumer } from './export.js';
import { startHarness, type Harness, type WorkflowRun, type WorkflowRunOptions } from './run-workflow.js';
import {
  EXAMPLE_REPOSITORY,
  MODEL_REPO_ENV,
  startExampleStandIns,
  type Environment,
  type ExampleStandIns,
} from './stand-ins.js';

const run = promisify(execFile);

/** Keeps DVC and MLflow from phoning home, in the runs and in the data pipeline. */
const QUIET = { DVC_NO_ANALYTICS: '1', MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' };

/** How CT is triggered: the nightly schedule, or a data pipeline's repository_dispatch new-data-arrived. */
export type CtTrigger =
  { event: 'schedule' } | { event: 'repository_dispatch'; payload: Record<string, unknown>; action?: string };

/** The example's params.yaml: the data stage's and the training stage's parameters. */
export interface ExampleParams {
  data?: { rows?: number; seed?: number };
  train?: { c?: number; seed?: number };
}

export interface ExampleRepo {
  harness: Harness;
  standIns: ExampleStandIns;
  /** The consumer repository act runs in: the example's tracked files, plus the commits made here. */
  dir: string;
  /** Its current commit (github.sha of the next run). */
  head(): string;
  /** Commits a change of params.yaml (e.g. the training's regularisation); returns the commit. */
  commitParams(params: ExampleParams, message: string): string;
  /**
   * New data arrives as a data pipeline delivers it: params.yaml's data section changed, the
   * generate stage reproduced, the data pushed to the DVC remote and dvc.lock committed (the
   * data pipeline's own credentials, not the workflow's). Returns the commit.
   */
  newData(data: NonNullable<ExampleParams['data']>): Promise<string>;
  /** The example's ct.yml (deploys to staging when the gate passes). */
  ct(trigger: CtTrigger): Promise<WorkflowRun>;
  /** The example's promote.yml (champion alias to the challenger, production bumped to it). */
  promote(): Promise<WorkflowRun>;
  stop(): Promise<void>;
}

/** Starts the stand-ins and the harness (in parallel) and exports the consumer repository. */
export async function startExampleRepo(): Promise<ExampleRepo> {
  const [harness, standIns] = await Promise.allSettled([
    startHarness(),
    startExampleStandIns({ mlflow: true, artifactsInS3: true }),
  ]);
  if (harness.status === 'rejected' || standIns.status === 'rejected') {
    if (harness.status === 'fulfilled') await harness.value.stop();
    if (standIns.status === 'fulfilled') await standIns.value.stop();
    throw harness.status === 'rejected' ? harness.reason : (standIns as PromiseRejectedResult).reason;
  }
  return exampleRepo(harness.value, standIns.value);
}

function exampleRepo(harness: Harness, standIns: ExampleStandIns): ExampleRepo {
  const { dir } = exportConsumer('examples/model-repo');
  const runner = (environment: Environment): Omit<WorkflowRunOptions, 'workflow' | 'event'> => ({
    workdir: dir,
    vars: standIns.vars(environment),
    secrets: standIns.secrets,
    githubApiUrl: standIns.github.apiUrl,
    repository: EXAMPLE_REPOSITORY,
    // The runner reaches moto at its endpoint; its credentials come from the OIDC exchange.
    env: { AWS_ENDPOINT_URL: standIns.moto.url, AWS_EC2_METADATA_DISABLED: 'true', ...QUIET },
    timeoutMs: scaled(600_000),
  });
  const commitParams = (params: ExampleParams, message: string) => {
    const file = join(dir, 'params.yaml');
    const document = parseDocument(readFileSync(file, 'utf8'));
    for (const [stage, values] of Object.entries(params))
      for (const [key, value] of Object.entries(values ?? {})) document.setIn([stage, key], value);
    writeFileSync(file, document.toString());
    git(dir, 'add', 'params.yaml');
    git(dir, 'commit', '-q', '-m', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  return {
    harness,
    standIns,
    dir,
    head: () => git(dir, 'rev-parse', 'HEAD'),
    commitParams,
    async newData(data) {
      commitParams({ data }, `params: data ${JSON.stringify(data)}`);
      const env = {
        PATH: `${join(stackDir(), 'venvs', MODEL_REPO_ENV, 'bin')}:${process.env.PATH}`,
        HOME: process.env.HOME,
        ...MOTO_CREDENTIALS,
        AWS_ENDPOINT_URL: standIns.moto.url,
        AWS_EC2_METADATA_DISABLED: 'true',
        ...QUIET,
      };
      const options = { cwd: dir, env, timeout: scaled(300_000) };
      await run('dvc', ['repro', '--quiet', 'generate'], options);
      await run('dvc', ['push', '--quiet', 'data/churn.csv'], options);
      // .dvc/config has autostage: repro staged dvc.lock and data/.gitignore already.
      git(dir, 'add', 'dvc.lock');
      git(dir, 'commit', '-q', '-m', `data: ${JSON.stringify(data)}`);
      // The data pipeline runs elsewhere: the repository keeps only what it committed.
      rmSync(join(dir, '.dvc', 'cache'), { recursive: true, force: true });
      rmSync(join(dir, 'data', 'churn.csv'), { force: true });
      return git(dir, 'rev-parse', 'HEAD');
    },
    ct: (trigger) =>
      harness.runWorkflow({
        ...runner('staging'),
        workflow: '.github/workflows/ct.yml',
        event: trigger.event,
        payload:
          trigger.event === 'repository_dispatch'
            ? { action: trigger.action ?? 'new-data-arrived', client_payload: trigger.payload }
            : { schedule: '0 2 * * *' },
        standIns: ['setup-python', 'configure-aws-credentials'],
        pythonEnv: MODEL_REPO_ENV,
      }),
    promote: () =>
      harness.runWorkflow({
        ...runner('production'),
        workflow: '.github/workflows/promote.yml',
        event: 'workflow_dispatch',
      }),
    async stop() {
      await Promise.all([harness.stop(), standIns.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
