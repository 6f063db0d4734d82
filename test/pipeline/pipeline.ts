import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { motoEnv } from '../helpers/moto.js';
import { repoRoot, venvBin } from '../helpers/paths.js';
import { APP_PATH, BUCKET, MODEL, type StandIns } from './stand-ins.js';
import { SAMPLE_ROWS, v2Payload } from '../workflows/churn-model.js';
import { StepLog, type StepRecord } from './steps.js';

const run = promisify(execFile);
const MODEL_REPO = join(repoRoot, 'examples', 'model-repo');
const QUIET = { MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true', DVC_NO_ANALYTICS: '1', PYTHONUNBUFFERED: '1' };
/** The tool cache dvc-push installs DVC into once (shared with the dvc-push tests, gitignored). */
export const DVC_TOOL_CACHE = join(repoRoot, '.cache', 'dvc-tool-cache');

/** A training round: the regularisation it trains with, and what the pipeline must make of it. */
export interface Round {
  name: string;
  c: number;
}

/** Baseline, a deliberately worse model (heavily regularised), then a better one. */
export const ROUNDS: Round[] = [
  { name: 'baseline', c: 0.01 },
  { name: 'worse', c: 0.0001 },
  { name: 'better', c: 1.0 },
];

/** Absolute floors, and a challenger must beat the champion's ROC AUC by 0.005. */
export const THRESHOLDS = {
  roc_auc: { threshold: 0.75, min_absolute_change: 0.005, greater_is_better: true },
  accuracy: { threshold: 0.8, greater_is_better: true },
};

export interface RoundResult {
  round: string;
  passed: boolean;
  runId: string;
  metrics: Record<string, number>;
  version?: string;
  championBefore?: string;
  storageUri?: string;
  commit?: string;
  expected?: number[];
  served?: { modelVersion: string; predictions: number[] };
  latency?: { p50: number; p95: number; p99: number; rps: number };
}

export interface PipelineResult {
  rounds: RoundResult[];
  steps: StepRecord[];
  aliases: Record<string, string>;
  deployed?: { commit: string; storageUri: string };
  totalMs: number;
}

export interface PipelineOptions {
  standIns: StandIns;
  /** Where each step's job summary is written. */
  summaries: string;
  rows?: number;
  rounds?: Round[];
  /** Timed requests of each health check. */
  requests?: number;
  print?: (line: string) => void;
}

/**
 * The local CT -> CD pipeline: generate data, then per round train, gate and register, push the
 * model with DVC, bump the GitOps manifest, wait for Argo CD to sync that commit, check the
 * endpoint answers like the model trained, and promote it to champion. A round whose gate fails
 * deploys nothing. Every action is the committed bundle, run as the runner runs it.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const { standIns } = options;
  const started = Date.now();
  const log = new StepLog(options.summaries, options.print ?? (() => {}));
  const workspace = mkdtempSync(join(tmpdir(), 'model-repo-'));
  const checkout = standIns.gitops.clone();
  try {
    await log.step('setup', 'generate data', async () => {
      await python(
        'mlflow',
        [
          join(MODEL_REPO, 'generate_data.py'),
          '--rows',
          String(options.rows ?? 5000),
          '--seed',
          '7',
          '--out',
          join(workspace, 'data', 'churn.csv'),
        ],
        workspace,
      );
      await run(venvBin('dvc', 'dvc'), ['init', '--no-scm', '-q'], {
        cwd: workspace,
        env: { ...process.env, ...QUIET },
      });
      return { value: undefined, detail: `${options.rows ?? 5000} rows in data/churn.csv` };
    });
    const rounds: RoundResult[] = [];
    for (const [index, round] of (options.rounds ?? ROUNDS).entries()) {
      rounds.push(await runRound(round, index + 1, { ...options, log, workspace, checkout }));
    }
    const aliases = await registeredAliases(standIns.mlflow.url, MODEL.name);
    const served = standIns.argocd.cluster.served();
    return {
      rounds,
      steps: log.records,
      aliases,
      deployed: served && { commit: served.revision, storageUri: served.storageUri },
      totalMs: Date.now() - started,
    };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

interface RoundContext extends PipelineOptions {
  log: StepLog;
  workspace: string;
  checkout: string;
}

async function runRound(round: Round, number: number, context: RoundContext): Promise<RoundResult> {
  const { log, workspace, standIns } = context;
  const label = `${number}-${round.name}`;
  const mlflow = { 'tracking-uri': standIns.mlflow.url, 'model-name': MODEL.name };

  const trained = await log.step(label, 'train', async () => {
    const stdout = await python(
      'mlflow',
      [
        join(MODEL_REPO, 'train.py'),
        '--data',
        'data/churn.csv',
        '--model-dir',
        'models',
        '--c',
        String(round.c),
        '--seed',
        '7',
      ],
      workspace,
      { MLFLOW_TRACKING_URI: standIns.mlflow.url, MLFLOW_EXPERIMENT_NAME: 'churn', GITHUB_RUN_ID: `${4200 + number}` },
    );
    const value = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { run_id: string; metrics: Record<string, number> };
    const figures = Object.entries(value.metrics).map(([name, figure]) => `${name} ${figure.toFixed(4)}`);
    return { value, detail: `C=${round.c}: ${figures.join(', ')}` };
  });
  const result: RoundResult = { round: label, passed: false, runId: trained.run_id, metrics: trained.metrics };

  const gate = await log.action(
    label,
    'gate and register',
    'mlflow-gate-and-register',
    {
      inputs: {
        ...mlflow,
        'run-id': trained.run_id,
        thresholds: JSON.stringify(THRESHOLDS),
        alias: 'challenger',
        'fail-on-gate-failure': false,
        'wait-timeout': '60s',
      },
    },
    (action) =>
      action.outputs.passed === 'true'
        ? {
            detail: `registered version ${action.outputs.version} as challenger (champion: ${action.outputs['champion-version'] || 'none'})`,
          }
        : {
            outcome: 'blocked',
            detail: `gate refused the run against champion version ${action.outputs['champion-version'] || 'none'}`,
          },
  );
  result.championBefore = gate.outputs['champion-version'] || undefined;
  if (gate.outputs.passed !== 'true') return result;
  result.passed = true;
  result.version = gate.outputs.version;

  await log.step(label, 'dvc add', async () => {
    await run(venvBin('dvc', 'dvc'), ['add', '-q', 'models/model.joblib'], {
      cwd: workspace,
      env: { ...process.env, ...QUIET },
    });
    return { value: undefined, detail: 'models/model.joblib.dvc' };
  });
  const pushed = await log.action(
    label,
    'dvc push',
    'dvc-push',
    {
      cwd: workspace,
      inputs: {
        'remote-url': `s3://${BUCKET}/churn`,
        'endpoint-url': standIns.moto.url,
        region: 'us-east-1',
        targets: 'models/model.joblib',
      },
      env: { ...motoEnv(standIns.moto), RUNNER_TOOL_CACHE: DVC_TOOL_CACHE },
      timeoutMs: 240_000,
    },
    (action) => ({ detail: `${action.outputs['pushed-count']} file(s) to ${action.outputs['remote-url']}` }),
  );
  const files = JSON.parse(pushed.outputs.pushed ?? '[]') as { path: string; object: string }[];
  const model = files.find((file) => file.path === 'models/model.joblib');
  if (!model) throw new Error(`dvc-push did not report models/model.joblib as pushed: ${pushed.outputs.pushed}`);
  result.storageUri = model.object;

  const bump = await log.action(
    label,
    'bump manifest',
    'bump-kserve-image',
    {
      cwd: context.checkout,
      inputs: {
        'storage-uri': model.object,
        'inference-service': MODEL.name,
        namespace: MODEL.namespace,
        'commit-method': 'git',
        path: context.checkout,
        branch: standIns.gitops.branch,
        files: `${APP_PATH}/*.yaml`,
        'commit-message': `Deploy ${MODEL.name} version ${result.version}: {new}`,
      },
      env: { GITHUB_REPOSITORY: 'acme/gitops' },
    },
    (action) => ({
      detail: `commit ${action.outputs['commit-sha']?.slice(0, 12)}: ${action.outputs['previous-storage-uri']} -> ${action.outputs['storage-uri']}`,
    }),
  );
  result.commit = bump.outputs['commit-sha'];

  await log.action(
    label,
    'wait for sync',
    'wait-argocd-sync',
    {
      inputs: {
        server: standIns.argocd.url,
        token: standIns.argocd.token,
        application: standIns.argocd.application,
        project: standIns.argocd.project,
        revision: result.commit,
        resources: `InferenceService/${MODEL.namespace}/${MODEL.name}`,
        timeout: '3m',
        'poll-interval': '1s',
      },
    },
    (action) => ({
      detail: `${action.outputs['sync-status']}/${action.outputs['health-status']} at ${action.outputs.revision?.slice(0, 12)}`,
    }),
  );

  const expected = await expectedPredictions(workspace);
  result.expected = expected;
  const health = await log.action(
    label,
    'health check',
    'kserve-health-check',
    {
      inputs: {
        url: standIns.argocd.endpoint,
        model: MODEL.name,
        protocol: 'v2',
        payload: JSON.stringify(v2Payload()),
        expected: JSON.stringify([{ name: 'predict', data: expected }]),
        requests: context.requests ?? 100,
        concurrency: 4,
        'max-p95-ms': 2000,
        timeout: '60s',
      },
    },
    (action) => ({
      detail: `p50 ${action.outputs['latency-p50-ms']} ms, p95 ${action.outputs['latency-p95-ms']} ms, ${action.outputs['requests-per-second']} req/s`,
    }),
  );
  const response = JSON.parse(health.outputs.response ?? '{}') as {
    model_version?: string;
    outputs?: { data: number[] }[];
  };
  result.served = { modelVersion: response.model_version ?? '', predictions: response.outputs?.[0]?.data ?? [] };
  result.latency = {
    p50: Number(health.outputs['latency-p50-ms']),
    p95: Number(health.outputs['latency-p95-ms']),
    p99: Number(health.outputs['latency-p99-ms']),
    rps: Number(health.outputs['requests-per-second']),
  };

  await log.action(
    label,
    'promote',
    'mlflow-gate-and-register',
    { inputs: { ...mlflow, mode: 'promote', 'promote-from': 'challenger', 'promote-to': 'champion' } },
    (action) => ({
      detail: `champion -> version ${action.outputs.version} (was ${action.outputs['previous-version'] || 'none'})`,
    }),
  );
  return result;
}

/** What the model just trained answers for the sample rows, computed offline from its file. */
async function expectedPredictions(workspace: string): Promise<number[]> {
  const request = { model: join(workspace, 'models', 'model.joblib'), rows: SAMPLE_ROWS };
  const stdout = await python('mlflow', [join(repoRoot, 'test', 'pipeline', 'predict.py')], workspace, {}, request);
  return JSON.parse(stdout.trim()) as number[];
}

/** Runs a script with a stack venv's Python; `input` goes to its stdin as JSON. Fails with its last stderr lines. */
async function python(
  env: string,
  args: string[],
  cwd: string,
  extra: Record<string, string> = {},
  input?: unknown,
): Promise<string> {
  mkdirSync(cwd, { recursive: true });
  const pending = run(venvBin(env, 'python'), args, {
    cwd,
    env: { ...process.env, ...QUIET, ...extra },
    maxBuffer: 16 * 1024 * 1024,
  });
  pending.child.stdin!.end(input === undefined ? undefined : JSON.stringify(input));
  try {
    return (await pending).stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    throw new Error(`${args[0]} failed: ${stderr.trim().split('\n').slice(-5).join(' | ')}`, { cause: error });
  }
}

/** Alias -> version of the registered model, read back from MLflow's REST API. */
export async function registeredAliases(trackingUri: string, name: string): Promise<Record<string, string>> {
  const response = await fetch(`${trackingUri}/api/2.0/mlflow/registered-models/get?name=${encodeURIComponent(name)}`);
  if (!response.ok) throw new Error(`MLflow registered-models/get answered ${response.status}`);
  const body = (await response.json()) as { registered_model?: { aliases?: { alias: string; version: string }[] } };
  return Object.fromEntries((body.registered_model?.aliases ?? []).map((entry) => [entry.alias, entry.version]));
}
