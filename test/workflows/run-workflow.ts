/**
 * Runs a workflow with a real Actions runner, nektos/act v0.2.89 in host mode, against local
 * stand-ins, and reports each job's and step's outcome, outputs and job summary.
 *
 *   const harness = await startHarness();            // once per test file: exports the tree
 *   const run = await harness.runWorkflow({
 *     workdir: consumer.dir,                          // the repository act runs in (exportConsumer)
 *     workflow: '.github/workflows/cd.yml',
 *     event: 'workflow_dispatch',                     // or push, schedule, repository_dispatch…
 *     payload: {},                                    // the event payload (github.event)
 *     inputs: { environment: 'staging' },             // workflow_dispatch inputs
 *     vars: { ARGOCD_SERVER: '…' }, secrets: { GITOPS_TOKEN: '…' },
 *     env: { GITHUB_API_URL: '…' },                   // extra runner environment
 *     standIns: ['configure-aws-credentials'],        // offline actions this run may execute
 *   });
 *   run.exitCode; run.job('deploy').result; run.step('deploy', 'bump').outputs['commit-sha'];
 *   await harness.stop();
 *
 * Every act gap is handled here (and in export.ts / offline-actions.ts), nowhere else:
 * - `$/` self references: export.ts (nektos/act#6189).
 * - remote actions fetched before the first step, skipped ones too: offline-actions.ts.
 * - host mode starts with an empty workspace and copies the working directory on
 *   actions/checkout (isLocalCheckout, pkg/runner/run_context.go): workdir is a consumer export.
 * - host mode runs node actions with the first `node` on PATH (GetNodeToolFullPath,
 *   pkg/runner/run_context.go): Node 24 from the stack goes first, as GitHub runs node24 bundles.
 * - host mode hands act's own environment to every step (os.Environ, pkg/runner/run_context.go
 *   setupJobContainer): act gets a clean environment, not the test process's.
 * - github.repository comes from the workdir's git remote (getGithubContext, run_context.go) and
 *   github.run_id defaults to 1: both are set explicitly, with the API URLs.
 * - no OIDC (no ACTIONS_ID_TOKEN_REQUEST_* in pkg/): oidc.ts serves a token endpoint.
 * - a called workflow's outputs are evaluated when each of its step jobs ends (setJobOutputs in
 *   newJobExecutor, pkg/runner/job_executor.go), not when the workflow ends: an output read from a
 *   job that is itself a workflow call (ct.yml's deploy-commit-sha, from cd.yml) stays as it was
 *   before that job ran. Tests read such values from the inner job's steps instead.
 * - concurrency, environment, permissions, job timeout-minutes and workflow_call secret
 *   declarations are not modelled, and a failed reusable-workflow job ends the run before any
 *   `if: always()` dependent (NewPlanExecutor…handleFailure, pkg/runner/runner.go): tests do not
 *   assert those; the policy tests (test/policy) keep covering them.
 */
import { spawnOwned } from '../helpers/service.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { node24, stackDir, stackTool } from '../helpers/paths.js';
import { scaled } from '../helpers/timeouts.js';
import { parseActLog, type JobRun, type StepRun } from './act-log.js';
import { exportSelf, SELF_REF, SELF_REPOSITORY } from './export.js';
import {
  offlineActionMappings,
  readOfflineActionCalls,
  type OfflineAction,
  type OfflineActionCall,
} from './offline-actions.js';
import { startOidcIssuer, type OidcIssuer } from './oidc.js';

export type { JobRun, StepRun } from './act-log.js';

export interface WorkflowRunOptions {
  /** The repository act runs in (its .github/workflows and what actions/checkout copies). */
  workdir: string;
  /** The workflow file, relative to workdir. */
  workflow: string;
  event: string;
  /** The event payload (github.event); workflow_dispatch inputs are added to it. */
  payload?: Record<string, unknown>;
  inputs?: Record<string, string | number | boolean>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** Extra environment of the runner (e.g. AWS_ENDPOINT_URL of a moto server). */
  env?: Record<string, string>;
  /** The offline actions this run is expected to execute; any other one fails loudly. */
  standIns?: OfflineAction[];
  /** github.repository (default your-org/model-repo). */
  repository?: string;
  /** The GitHub API the runner's context points at (a FakeGitHub's apiUrl). */
  githubApiUrl?: string;
  /**
   * The stack environment (test/stack/requirements/<env>.txt) whose packages the setup-python
   * stand-in's virtualenv sees, so the workflow's pinned install finds them offline.
   */
  pythonEnv?: string;
  /** Deadline of the whole act run (default 5 minutes). */
  timeoutMs?: number;
}

export interface WorkflowRun {
  exitCode: number;
  /** github.run_id of this run (unique per harness). */
  runId: string;
  jobs: JobRun[];
  /** The JSON log of the run, for a failure message. */
  log: string;
  /** What the offline stand-ins were asked, in the order they ran. */
  standInCalls: OfflineActionCall[];
  /** The job whose id (in its own workflow) or act key is `id` (the one with steps, when several). Throws when it never started. */
  job(id: string): JobRun;
  /** A Main step of a job, by step id. Throws when it never ran (a skipped step is reported as such). */
  step(job: string, id: string): StepRun;
  /** One line per job and step: outcome and duration, for a failure message or a report. */
  describe(): string;
}

export interface Harness {
  /** The export of this repository act resolves your-org/mlops-actions@v1 to. */
  self: string;
  oidc: OidcIssuer;
  runWorkflow(options: WorkflowRunOptions): Promise<WorkflowRun>;
  stop(): Promise<void>;
}

const BASE_PATH = '/usr/local/bin:/usr/bin:/bin';
let runs = 0;

export async function startHarness(): Promise<Harness> {
  const self = exportSelf();
  const scratch = mkdtempSync(join(tmpdir(), 'act-harness-'));
  const oidc = await startOidcIssuer();
  const mappings = offlineActionMappings(self);
  return {
    self,
    oidc,
    runWorkflow: (options) => runWorkflow(options, { self, scratch, oidc, mappings }),
    async stop() {
      await oidc.stop();
      rmSync(scratch, { recursive: true, force: true });
      rmSync(self, { recursive: true, force: true });
    },
  };
}

interface Context {
  self: string;
  scratch: string;
  oidc: OidcIssuer;
  mappings: string[];
}

async function runWorkflow(options: WorkflowRunOptions, context: Context): Promise<WorkflowRun> {
  const runId = `${process.pid}${String(++runs).padStart(3, '0')}`;
  const dir = join(context.scratch, `run-${runId}`);
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const repository = options.repository ?? 'your-org/model-repo';
  const inputs = Object.fromEntries(Object.entries(options.inputs ?? {}).map(([key, value]) => [key, String(value)]));
  const payload = {
    ...(options.payload ?? {}),
    ...(options.event === 'workflow_dispatch' ? { inputs } : {}),
    repository: { full_name: repository, name: repository.split('/')[1], owner: { login: repository.split('/')[0] } },
  };
  const eventFile = join(dir, 'event.json');
  const record = join(dir, 'offline-actions.jsonl');
  writeFileSync(eventFile, JSON.stringify(payload));
  // Secrets go through a file (act's --secret-file, dotenv), never argv.
  const secretFile = join(dir, 'secrets');
  writeFileSync(secretFile, dotenv(options.secrets ?? {}), { mode: 0o600 });
  const env: Record<string, string> = {
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0]!,
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_NUMBER: String(runs),
    GITHUB_SERVER_URL: 'https://github.com',
    ...(options.githubApiUrl
      ? {
          GITHUB_API_URL: options.githubApiUrl,
          GITHUB_GRAPHQL_URL: options.githubApiUrl.replace(/\/api\/v3$/, '/api/graphql'),
        }
      : {}),
    ...context.oidc.runnerEnv(runId),
    MLOPS_OFFLINE_ACTIONS_EXPECTED: (options.standIns ?? []).join(' '),
    MLOPS_OFFLINE_ACTIONS_RECORD: record,
    // What the checkout stand-in copies for a checkout of your-org/mlops-actions.
    MLOPS_CHECKOUT_SOURCE: context.self,
    MLOPS_SETUP_PYTHON: stackPython(),
    ...(options.pythonEnv ? { MLOPS_SETUP_PYTHON_ENV: stackEnv(options.pythonEnv) } : {}),
    // Every pip of the run installs offline: dvc-push's own DVC comes from the stack's wheels.
    PIP_NO_INDEX: '1',
    PIP_FIND_LINKS: stackWheelhouse(),
    ...(options.env ?? {}),
  };
  const args = [
    options.event,
    '--workflows',
    options.workflow,
    '--eventpath',
    eventFile,
    '--platform',
    'ubuntu-latest=-self-hosted',
    '--json',
    '--verbose',
    '--no-cache-server',
    '--action-cache-path',
    join(dir, 'cache'),
    '--defaultbranch',
    'main',
    '--secret-file',
    secretFile,
    '--var-file',
    '/dev/null',
    '--env-file',
    '/dev/null',
    '--input-file',
    '/dev/null',
    '--local-repository',
    `${SELF_REPOSITORY}@${SELF_REF}=${context.self}`,
    ...context.mappings.flatMap((mapping) => ['--local-repository', mapping]),
    ...Object.entries(inputs).flatMap(([key, value]) => ['--input', `${key}=${value}`]),
    ...Object.entries(options.vars ?? {}).flatMap(([key, value]) => ['--var', `${key}=${value}`]),
    ...Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
  ];
  const node24Bin = join(node24(), '..');
  const imageBin = runnerImageBin(context.scratch);
  const { exitCode, log } = await runAct(args, {
    cwd: options.workdir,
    timeoutMs: options.timeoutMs ?? scaled(300_000),
    env: {
      PATH: `${node24Bin}:${imageBin}:${BASE_PATH}`,
      HOME: home,
      TMPDIR: join(dir, 'tmp'),
      LANG: 'C.UTF-8',
      ACT_DISABLE_VERSION_CHECK: '1',
    },
  });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  writeFileSync(join(dir, 'act.log'), log);
  const jobs = parseActLog(log);
  // A caller's job and its reusable workflow's job can share an id (promote calls promote.yml's
  // promote): the one that ran steps is meant.
  const findJob = (id: string) => {
    const matching = jobs.filter((candidate) => candidate.id === id || candidate.key === id);
    const job = matching.find((candidate) => candidate.steps.length > 0) ?? matching[0];
    if (!job) throw new Error(`job ${id} did not run; jobs: ${jobs.map((each) => each.key).join(', ')}`);
    return job;
  };
  return {
    exitCode,
    runId,
    jobs,
    log,
    standInCalls: readOfflineActionCalls(record),
    job: findJob,
    step(jobId, id) {
      const step = findJob(jobId).steps.find((candidate) => candidate.id === id && candidate.stage === 'Main');
      if (!step) throw new Error(`step ${id} of job ${jobId} did not run`);
      return step;
    },
    describe: () => describeRun(jobs),
  };
}

export function describeRun(jobs: JobRun[]): string {
  return jobs
    .flatMap((job) => [
      `${job.key}: ${job.result ?? 'unfinished'}`,
      ...job.steps.map(
        (step) =>
          `  ${step.stage === 'Main' ? '' : `${step.stage} `}${step.name}: ${step.outcome} ${(step.durationMs / 1000).toFixed(1)}s${step.errors.length ? ` (${step.errors.join('; ')})` : ''}`,
      ),
    ])
    .join('\n');
}

/** The interpreter the stack's virtualenvs were made from (setup-python's stand-in makes its own from it). */
function stackPython(): string {
  const config = readFileSync(join(stackDir(), 'venvs', 'mlflow', 'pyvenv.cfg'), 'utf8');
  const home = /^home\s*=\s*(.+)$/m.exec(config)?.[1]?.trim();
  if (!home) throw new Error('the stack has no mlflow virtualenv: run test/stack/setup.sh');
  return join(home, 'python3');
}

function stackEnv(env: string): string {
  const dir = join(stackDir(), 'venvs', env);
  if (!existsSync(join(dir, 'bin', 'python')))
    throw new Error(`the stack has no ${env} virtualenv: run test/stack/setup.sh`);
  return dir;
}

/**
 * GitHub's Ubuntu images have `python` on PATH before any setup-python (ct.yml's payload check
 * runs as `shell: python` before it): the stack's interpreter plays that part.
 */
function runnerImageBin(scratch: string): string {
  const dir = join(scratch, 'image-bin');
  if (!existsSync(dir)) {
    mkdirSync(dir);
    for (const name of ['python', 'python3']) symlinkSync(stackPython(), join(dir, name));
  }
  return dir;
}

/** The wheels of the DVC that dvc-push installs (test/stack/setup.sh build_wheelhouse). */
function stackWheelhouse(): string {
  const dir = join(stackDir(), 'wheelhouse');
  if (!existsSync(dir)) throw new Error(`the stack has no DVC wheelhouse (${dir}): run test/stack/setup.sh`);
  return dir;
}

function dotenv(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`secret name ${key} is not a valid name`);
      if (/[\r\n"\\$]/.test(value)) throw new Error(`secret ${key} holds a newline, quote, backslash or $`);
      return `${key}="${value}"\n`;
    })
    .join('');
}

/** Runs act in its own process group; the deadline kills the whole group. */
function runAct(
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<{ exitCode: number; log: string }> {
  mkdirSync(options.env.TMPDIR!, { recursive: true });
  return new Promise((resolve, reject) => {
    // owned: registered for the run's teardown even if a jest timeout abandons this wait
    const child = spawnOwned(stackTool('act'), args, {
      cwd: options.cwd,
      env: options.env,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    process.once('exit', kill);
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`act did not finish within ${options.timeoutMs} ms; log so far:\n${tail(chunks)}`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', kill);
      kill();
      resolve({ exitCode: code ?? (signal ? 128 : 1), log: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

function tail(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8').split('\n').slice(-30).join('\n');
}
