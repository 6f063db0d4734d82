import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { HttpError } from '../../packages/action-kit/src/http/index.js';
import { toMlflowError } from '../../packages/mlflow/src/index.js';
import { runMlflowFixture, startMlflow, type MlflowServer } from '../helpers/mlflow.js';
import { startRecordingProxy } from '../helpers/recording-proxy.js';
import { runAction, type ActionResult } from '../helpers/run-action.js';
import { scaled } from '../helpers/timeouts.js';

// The bundled action against a real MLflow 3 server, with runs and models logged by the real
// Python client. The registry is stateful: the cases of one describe run in order.

interface Logged {
  experiment_id: string;
  runs: { run_id: string; model_id: string | null }[];
}

const ACTION = 'mlflow-gate-and-register';
const COMMIT = 'c0ffee1234567890c0ffee1234567890c0ffee12';

let server: MlflowServer;
let logged: Logged;
const run = (index: number) => logged.runs[index]!;

const RUNS = [
  { name: 'baseline', metrics: { accuracy: 0.8, rmse: 0.4 } },
  { name: 'better', metrics: { accuracy: 0.9, rmse: 0.3 } },
  { name: 'worse', metrics: { accuracy: 0.78, rmse: 0.45 } },
  { name: 'nan-accuracy', metrics: { accuracy: 'nan', rmse: 0.2 } },
  { name: 'no-accuracy', metrics: { rmse: 0.2 } },
  { name: 'in-run-model', metrics: { accuracy: 0.95, rmse: 0.1 }, model: 'in-run' },
  { name: 'crashed', metrics: { accuracy: 0.99, rmse: 0.01 }, status: 'FAILED' },
  { name: 'from-commit', metrics: { accuracy: 0.91, rmse: 0.29 }, tags: { 'mlflow.source.git.commit': COMMIT } },
  { name: 'no-model', metrics: { accuracy: 0.93, rmse: 0.2 }, model: 'none' },
  { name: 'infinite', metrics: { accuracy: 0.9, rmse: 'inf' } },
];
const index = (name: string): number => RUNS.findIndex((spec) => spec.name === name);
const BASELINE = index('baseline');
const BETTER = index('better');
const WORSE = index('worse');
const NAN = index('nan-accuracy');
const MISSING = index('no-accuracy');
const IN_RUN = index('in-run-model');
const CRASHED = index('crashed');
const FROM_COMMIT = index('from-commit');
const NO_MODEL = index('no-model');
const INFINITE = index('infinite');

/** One bundle (or MLflow client) run's budget: runAction ends it after scaled(RUN_MS). */
const RUN_MS = 120_000;
// A test runs the bundle or the client at most three times.
jest.setTimeout(scaled(3 * RUN_MS));

const THRESHOLDS = JSON.stringify({
  accuracy: { threshold: 0.75, min_absolute_change: 0.05, greater_is_better: true },
  rmse: { threshold: 0.5, min_relative_change: 0.1, greater_is_better: false },
});

function gate(inputs: Record<string, string | undefined>, env?: Record<string, string>): Promise<ActionResult> {
  return runAction(ACTION, {
    inputs: { 'tracking-uri': server.url, thresholds: THRESHOLDS, ...inputs },
    env,
    timeoutMs: RUN_MS,
  });
}

async function rest<T>(path: string, query: Record<string, string>): Promise<{ status: number; body: T }> {
  const url = new URL(`${server.url}/api/2.0/mlflow/${path}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

async function aliasVersion(model: string, alias: string): Promise<string | undefined> {
  const { status, body } = await rest<{ model_version?: { version: string } }>('registered-models/alias', {
    name: model,
    alias,
  });
  return status === 200 ? body.model_version?.version : undefined;
}

async function versionsOf(model: string): Promise<{ version: string; run_id: string; source: string }[]> {
  const { body } = await rest<{ model_versions?: { version: string; run_id: string; source: string }[] }>(
    'model-versions/search',
    { filter: model.includes("'") ? `name = "${model}"` : `name = '${model}'`, max_results: '100' },
  );
  return body.model_versions ?? [];
}

function succeeded(result: ActionResult): ActionResult {
  if (result.exitCode !== 0) throw new Error(`the action failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

beforeAll(async () => {
  server = await startMlflow();
  logged = await runMlflowFixture<Logged>(server, 'log_runs', { experiment: 'gate', runs: RUNS });
}, scaled(240_000));

afterAll(async () => {
  await server?.stop();
});

describe('gate and register, then promote and roll back', () => {
  const MODEL = 'churn';
  let first: ActionResult;

  it('registers the first model with no champion: only the absolute thresholds apply', async () => {
    first = succeeded(await gate({ 'model-name': MODEL, 'run-id': run(BASELINE).run_id }));
    expect(first.outputs).toMatchObject({
      passed: 'true',
      version: '1',
      'model-uri': `models:/${MODEL}/1`,
      'run-id': run(BASELINE).run_id,
      'model-id': run(BASELINE).model_id,
      'champion-version': '',
      'previous-version': '',
    });
    const metrics = JSON.parse(first.outputs.metrics!);
    expect(metrics.accuracy).toMatchObject({ candidate: 0.8, baseline: null, verdict: 'pass' });
    expect(metrics.accuracy.rules.map((r: { verdict: string }) => r.verdict)).toEqual(['pass', 'skipped']);
    expect(first.summary).toContain('No champion yet: only the absolute thresholds were applied.');
    expect(first.summary.trim()).toBe(first.outputs.report!.trim());

    const [version] = await versionsOf(MODEL);
    // MLflow 3: registered from the LoggedModel, never from the run's (empty) artifact tree.
    expect(version).toMatchObject({
      version: '1',
      run_id: run(BASELINE).run_id,
      source: `models:/${run(BASELINE).model_id}`,
    });
    expect(await aliasVersion(MODEL, 'challenger')).toBe('1');
    expect(await aliasVersion(MODEL, 'champion')).toBeUndefined();

    const { body } = await rest<{ model_version: { tags: { key: string; value: string }[] } }>('model-versions/get', {
      name: MODEL,
      version: '1',
    });
    const tags = Object.fromEntries(body.model_version.tags.map((tag) => [tag.key, tag.value]));
    expect(tags).toMatchObject({
      'mlops.source_run_id': run(BASELINE).run_id,
      'mlops.gate.verdict': 'passed',
      'mlops.gate.champion_version': 'none',
      'mlops.git_commit': '0'.repeat(40),
      'mlops.workflow_run_url': 'https://github.com/acme/model-repo/actions/runs/4242/attempts/1',
    });
  });

  it('gives one version when the same run is gated twice', async () => {
    const again = succeeded(await gate({ 'model-name': MODEL, 'run-id': run(BASELINE).run_id }));
    expect(again.outputs).toMatchObject({ passed: 'true', version: '1', 'previous-version': '1' });
    expect(again.summary).toContain('reused: this run was registered before');
    expect(await versionsOf(MODEL)).toHaveLength(1);
  });

  it('promotes the challenger to champion, with no previous holder', async () => {
    const promoted = succeeded(
      await runAction(ACTION, {
        inputs: { 'tracking-uri': server.url, 'model-name': MODEL, mode: 'promote', 'promote-from': 'challenger' },
      }),
    );
    expect(promoted.outputs).toMatchObject({ passed: 'true', version: '1', 'previous-version': '' });
    expect(await aliasVersion(MODEL, 'champion')).toBe('1');
  });

  it('passes a better challenger against the champion and moves the challenger alias to it', async () => {
    const better = succeeded(await gate({ 'model-name': MODEL, 'run-id': run(BETTER).run_id }));
    expect(better.outputs).toMatchObject({
      passed: 'true',
      version: '2',
      'champion-version': '1',
      'previous-version': '1',
    });
    const metrics = JSON.parse(better.outputs.metrics!);
    expect(metrics.accuracy).toMatchObject({ candidate: 0.9, baseline: 0.8, verdict: 'pass' });
    expect(metrics.rmse).toMatchObject({ candidate: 0.3, baseline: 0.4, verdict: 'pass' });
    expect(await aliasVersion(MODEL, 'challenger')).toBe('2');
    expect(await aliasVersion(MODEL, 'champion')).toBe('1');
  });

  it('fails a worse challenger with the full table and registers nothing', async () => {
    const worse = await gate({ 'model-name': MODEL, 'run-id': run(WORSE).run_id });
    expect(worse.exitCode).toBe(1);
    expect(worse.errors.join('\n')).toMatch(
      /The MLflow gate failed for run \w+: accuracy ≥ champion \+ 0\.05: change -0\.02/,
    );
    expect(worse.outputs).toMatchObject({ passed: 'false', version: '', 'champion-version': '1' });
    expect(worse.summary).toContain('| metric | candidate | champion | rule | verdict | detail |');
    expect(worse.summary).toMatch(/\| accuracy \| 0\.78 \| 0\.8 \| ≥ 0\.75 \| ✅ pass \|/);
    expect(worse.summary).toMatch(/\| accuracy \| 0\.78 \| 0\.8 \| ≥ champion \+ 0\.05 \| ❌ fail \|/);
    expect(worse.summary).toMatch(/\| rmse \| 0\.45 \| 0\.4 \| ≤ 0\.5 \| ✅ pass \|/);
    expect(worse.summary).toMatch(/\| rmse \| 0\.45 \| 0\.4 \| ≤ champion − 10% of \\\|champion\\\| \| ❌ fail \|/);
    expect(worse.summary).toContain('Nothing was registered and no alias was moved.');
    expect(await versionsOf(MODEL)).toHaveLength(2);
    expect(await aliasVersion(MODEL, 'challenger')).toBe('2');
  });

  it('lets the workflow branch on passed=false when fail-on-gate-failure is false', async () => {
    const worse = succeeded(
      await gate({ 'model-name': MODEL, 'run-id': run(WORSE).run_id, 'fail-on-gate-failure': 'false' }),
    );
    expect(worse.outputs.passed).toBe('false');
    expect(worse.warnings.join('\n')).toContain('fail-on-gate-failure is false');
  });

  it('promotes version 2 and outputs version 1 for the rollback, which then moves champion back', async () => {
    const promoted = succeeded(
      await runAction(ACTION, {
        inputs: { 'tracking-uri': server.url, 'model-name': MODEL, mode: 'promote', 'promote-from': 'challenger' },
      }),
    );
    expect(promoted.outputs).toMatchObject({
      version: '2',
      'previous-version': '1',
      'model-uri': `models:/${MODEL}/2`,
    });
    expect(promoted.summary).toContain(
      'Roll back: run this action with `mode: promote`, `promote-to: champion`, `version: 1`',
    );
    expect(await aliasVersion(MODEL, 'champion')).toBe('2');

    const rollback = succeeded(
      await runAction(ACTION, {
        inputs: {
          'tracking-uri': server.url,
          'model-name': MODEL,
          mode: 'promote',
          version: promoted.outputs['previous-version'],
        },
      }),
    );
    expect(rollback.outputs).toMatchObject({ version: '1', 'previous-version': '2' });
    expect(await aliasVersion(MODEL, 'champion')).toBe('1');
  });

  it('registered versions that load with the MLflow client by alias', async () => {
    const loaded = await runMlflowFixture<Record<string, unknown>>(server, 'load_models', [
      `models:/${MODEL}@champion`,
      `models:/${MODEL}@challenger`,
    ]);
    expect(loaded).toEqual({ [`models:/${MODEL}@champion`]: [0, 1], [`models:/${MODEL}@challenger`]: [0, 1] });
  });
});

describe('alias set to the champion alias: promote on pass', () => {
  it('moves champion to each better run and outputs the one it replaced', async () => {
    const first = succeeded(await gate({ 'model-name': 'auto', 'run-id': run(BASELINE).run_id, alias: 'champion' }));
    expect(first.outputs).toMatchObject({ version: '1', 'champion-version': '', 'previous-version': '' });
    const second = succeeded(
      await gate({ 'model-name': 'auto', 'run-id': run(BETTER).run_id, alias: 'champion,latest-good' }),
    );
    expect(second.outputs).toMatchObject({ version: '2', 'champion-version': '1', 'previous-version': '1' });
    expect(await aliasVersion('auto', 'champion')).toBe('2');
    expect(await aliasVersion('auto', 'latest-good')).toBe('2');
    expect(second.summary).toContain('@champion → version 2 (was 1)');
    expect(second.summary).toContain('@latest-good → version 2 (new alias)');
  });
});

describe('a model name with a quote', () => {
  it('still finds the earlier version of the run: one version after two runs', async () => {
    const name = "o'brien's churn";
    const first = succeeded(await gate({ 'model-name': name, 'run-id': run(BETTER).run_id }));
    const again = succeeded(await gate({ 'model-name': name, 'run-id': run(BETTER).run_id }));
    expect([first.outputs.version, again.outputs.version]).toEqual(['1', '1']);
    expect(await versionsOf(name)).toHaveLength(1);
  });
});

describe('fail closed on missing and non-finite metrics', () => {
  it.each([
    [NAN, 'accuracy', 'the candidate run logged NaN: not comparable'],
    [MISSING, 'accuracy', 'the candidate run has no such metric'],
    [INFINITE, 'rmse', 'the candidate run logged Infinity: not comparable'],
  ])('run %s fails its %s rules with the reason', async (index, metric, reason) => {
    const result = await gate({ 'model-name': `closed-${index}`, 'run-id': run(index).run_id });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.passed).toBe('false');
    const metrics = JSON.parse(result.outputs.metrics!);
    expect(metrics[metric].verdict).toBe('fail');
    expect(metrics[metric].rules[0]).toMatchObject({ rule: 'threshold', verdict: 'fail', reason });
    expect(result.summary).toContain(reason);
    expect(await versionsOf(`closed-${index}`)).toHaveLength(0);
  });

  it('fails the change rules when there is no champion and on-no-champion is fail', async () => {
    const result = await gate({ 'model-name': 'strict', 'run-id': run(BETTER).run_id, 'on-no-champion': 'fail' });
    expect(result.exitCode).toBe(1);
    const metrics = JSON.parse(result.outputs.metrics!);
    expect(metrics.accuracy.rules[1]).toMatchObject({
      rule: 'min_absolute_change',
      verdict: 'fail',
      reason: 'there is no champion to compare with, and on-no-champion is fail',
    });
  });
});

describe('candidate selection and model sources', () => {
  it('picks the FINISHED run matching run-filter in an experiment', async () => {
    const result = succeeded(
      await gate({
        'model-name': 'by-commit',
        'experiment-name': 'gate',
        'run-filter': `tags.mlflow.source.git.commit = '${COMMIT}'`,
        mode: 'gate',
      }),
    );
    expect(result.outputs).toMatchObject({ passed: 'true', 'run-id': run(FROM_COMMIT).run_id, version: '' });
    expect(result.summary).toContain('Gate only (mode: gate): nothing was registered.');
    expect(await versionsOf('by-commit')).toHaveLength(0);
  });

  it('skips runs that did not finish: the newest FINISHED run is the candidate', async () => {
    const result = succeeded(
      await gate({ 'model-name': 'newest', 'experiment-name': 'gate', mode: 'gate', 'fail-on-gate-failure': 'false' }),
    );
    // INFINITE is the newest run; CRASHED (FAILED) is never picked.
    expect(result.outputs['run-id']).toBe(run(INFINITE).run_id);
  });

  it('refuses a run that did not finish', async () => {
    const result = await gate({ 'model-name': 'crashed', 'run-id': run(CRASHED).run_id });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toContain('has status FAILED, not FINISHED');
  });

  it('registers a model stored in the run (as MLflow 2 clients log it) from the run artifacts', async () => {
    const result = succeeded(await gate({ 'model-name': 'in-run', 'run-id': run(IN_RUN).run_id }));
    expect(result.outputs['model-id']).toBe('');
    const [version] = await versionsOf('in-run');
    expect(version!.source).toBe(`mlflow-artifacts:/${logged.experiment_id}/${run(IN_RUN).run_id}/artifacts/model`);
    const loaded = await runMlflowFixture<Record<string, unknown>>(server, 'load_models', ['models:/in-run/1']);
    expect(loaded['models:/in-run/1']).toEqual([0, 1]);
  });

  it('fails clearly when the run logged no model of that name', async () => {
    const result = await gate({ 'model-name': 'no-model', 'run-id': run(NO_MODEL).run_id });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toContain(`The run ${run(NO_MODEL).run_id} has no logged model named 'model'`);
    expect(result.summary).toContain('## MLflow gate-and-register: error for no-model');
    expect(await versionsOf('no-model')).toHaveLength(0);
  });
});

describe('a lost answer to model-versions/create', () => {
  it('looks before creating again: one version, and the step succeeds with it', async () => {
    const proxy = await startRecordingProxy(server.url, {
      loseResponse: ({ method, path }) => method === 'POST' && path.endsWith('/model-versions/create'),
    });
    try {
      const result = succeeded(
        await gate({ 'model-name': 'lost', 'run-id': run(BETTER).run_id, 'tracking-uri': proxy.url }),
      );
      expect(result.outputs).toMatchObject({ passed: 'true', version: '1' });
      const creates = proxy.requests.filter((request) => request.path.endsWith('/model-versions/create'));
      expect(creates).toHaveLength(1);
      expect(await versionsOf('lost')).toHaveLength(1);
      expect(await aliasVersion('lost', 'challenger')).toBe('1');
    } finally {
      await proxy.stop();
    }
  });
});

describe('upstream failures', () => {
  it('names a run that does not exist', async () => {
    const result = await gate({ 'model-name': 'ghost', 'run-id': 'f'.repeat(32) });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toEqual([
      `The run ${'f'.repeat(32)} (from run-id) does not exist on ${server.url}: Run with id=${'f'.repeat(32)} not found. ` +
        'Check the run id and that tracking-uri is the server the training logged to.',
    ]);
  });

  it('names an experiment that does not exist', async () => {
    const result = await gate({ 'model-name': 'ghost', 'experiment-name': 'nope' });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toContain("The experiment 'nope' (experiment-name) does not exist");
  });

  it('explains a tracking-uri with a wrong path prefix', async () => {
    const result = await gate({
      'model-name': 'ghost',
      'run-id': run(BETTER).run_id,
      'tracking-uri': `${server.url}/mlflow`,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/read the MLflow server version .*(path prefix|tracking-uri)/);
  });

  it('explains the 403 of the host check, from the body the real server sends', async () => {
    // Node's fetch cannot change Host; a raw request can.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        `${server.url}/api/2.0/mlflow/registered-models/get?name=x`,
        { headers: { host: 'mlflow.internal:5000' } },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body: text }));
        },
      );
      request.on('error', reject).end();
    });
    expect(status).toBe(403);
    const error = toMlflowError(
      new HttpError({ method: 'GET', url: `${server.url}/x`, status, body, attempts: 1 }, `failed with ${status}`),
      'get the registered model',
      server.url,
    );
    expect(error).toMatchObject({ kind: 'host-rejected' });
    expect((error as Error).message).toContain('--allowed-hosts');
  });
});
