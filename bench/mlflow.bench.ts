// mlflow-gate-and-register against experiments of 100 and 10,000 runs on a real MLflow server:
// REST calls (counted by a recording proxy) and wall time of the bundled action. Goal: the same
// number of calls at both sizes. Baseline: what a script that scans the experiment does
// (runs/search pages of 1000, pick the commit's run client-side), measured in the same run.
import { runMlflowFixture, startMlflow, type MlflowServer } from '../test/helpers/mlflow.js';
import { startRecordingProxy } from '../test/helpers/recording-proxy.js';
import { runAction } from '../test/helpers/run-action.js';
import { median, timeAsync, type Figure } from './lib.js';

const SIZES = [100, 10_000] as const;
const REPEATS = 3;
const COMMIT = 'bench0000000000000000000000000000000c0de';
const THRESHOLDS = JSON.stringify({
  accuracy: { threshold: 0.8, min_absolute_change: 0.01, greater_is_better: true },
  rmse: { threshold: 0.5, min_relative_change: 0.05, greater_is_better: false },
});

interface Measured {
  size: number;
  firstCalls: number;
  firstMs: number;
  rerunCalls: number;
  rerunMs: number;
  scanCalls: number;
  scanMs: number;
  searchMs: number;
}

export default async function mlflowBench(): Promise<Figure[]> {
  const server = await startMlflow();
  try {
    const results: Measured[] = [];
    for (const size of SIZES) results.push(await measure(server, size));
    return figures(results);
  } finally {
    await server.stop();
  }
}

async function measure(server: MlflowServer, size: number): Promise<Measured> {
  const experiment = `bench-${size}`;
  const model = `bench-model-${size}`;
  // A champion and the commit's candidate, logged by the real client; then size - 2 filler runs.
  const logged = await runMlflowFixture<{ experiment_id: string }>(server, 'log_runs', {
    experiment,
    runs: [
      { name: 'champion', metrics: { accuracy: 0.85, rmse: 0.4 } },
      { name: 'candidate', metrics: { accuracy: 0.9, rmse: 0.3 }, tags: { 'mlflow.source.git.commit': COMMIT } },
    ],
    register: [{ run: 0, model, aliases: ['champion'] }],
  });
  await runMlflowFixture(server, 'bulk_runs', { experiment_id: logged.experiment_id, count: size - 2, seed: size });

  const proxy = await startRecordingProxy(server.url);
  try {
    const inputs = {
      'tracking-uri': proxy.url,
      'model-name': model,
      'experiment-name': experiment,
      'run-filter': `tags.mlflow.source.git.commit = '${COMMIT}'`,
      thresholds: THRESHOLDS,
    };
    const gateOnce = async (mode = 'gate-and-register') => {
      const before = proxy.requests.length;
      const result = await runAction('mlflow-gate-and-register', { inputs: { ...inputs, mode }, timeoutMs: 120_000 });
      if (result.exitCode !== 0 || result.outputs.passed !== 'true') {
        throw new Error(`the gate failed at ${size} runs:\n${result.stdout}\n${result.stderr}`);
      }
      return { calls: proxy.requests.length - before, ms: result.durationMs };
    };
    // Warm-up (server caches, page cache of the bundle), writing nothing: not measured.
    await gateOnce('gate');
    const first = await gateOnce();
    const reruns = [];
    for (let i = 0; i < REPEATS; i++) reruns.push(await gateOnce());

    const scan = await timeAsync(() => scanForCommit(server.url, logged.experiment_id));
    const search = await timeAsync(() => filteredSearch(server.url, logged.experiment_id));
    return {
      size,
      firstCalls: first.calls,
      firstMs: first.ms,
      rerunCalls: reruns[0]!.calls,
      rerunMs: median(reruns.map((run) => run.ms)),
      scanCalls: scan.value,
      scanMs: scan.ms,
      searchMs: search.ms,
    };
  } finally {
    await proxy.stop();
  }
}

/** The plain way: page through every run of the experiment and pick the commit's run client-side. */
async function scanForCommit(url: string, experimentId: string): Promise<number> {
  let calls = 0;
  let token: string | undefined;
  let found = false;
  do {
    calls++;
    const page = (await post(url, 'runs/search', {
      experiment_ids: [experimentId],
      max_results: 1000,
      page_token: token,
    })) as { runs?: { data?: { tags?: { key: string; value: string }[] } }[]; next_page_token?: string };
    found ||= (page.runs ?? []).some((run) => run.data?.tags?.some((tag) => tag.value === COMMIT));
    token = page.next_page_token;
  } while (token);
  if (!found) throw new Error('the scan did not find the candidate');
  return calls;
}

async function filteredSearch(url: string, experimentId: string): Promise<void> {
  await post(url, 'runs/search', {
    experiment_ids: [experimentId],
    filter: `tags.mlflow.source.git.commit = '${COMMIT}' AND attributes.status = 'FINISHED'`,
    max_results: 1,
  });
}

async function post(url: string, rpc: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${url}/api/2.0/mlflow/${rpc}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${rpc}: ${response.status} ${await response.text()}`);
  return response.json();
}

function figures(results: Measured[]): Figure[] {
  const [small, large] = results as [Measured, Measured];
  const label = `${small.size} runs`;
  const at = `experiment of ${large.size.toLocaleString('en')} runs`;
  return [
    {
      figure: `mlflow-gate-and-register: REST calls, first run (registers), ${at}`,
      value: large.firstCalls,
      unit: 'calls',
      baseline: small.firstCalls,
      baselineLabel: label,
      goal: 'same count at any size',
    },
    {
      figure: `mlflow-gate-and-register: REST calls, re-run (reuses the version), ${at}`,
      value: large.rerunCalls,
      unit: 'calls',
      baseline: small.rerunCalls,
      baselineLabel: label,
      goal: 'same count at any size',
    },
    {
      figure: `mlflow-gate-and-register: wall time of the action, first run, ${at}`,
      value: large.firstMs,
      unit: 'ms',
      baseline: small.firstMs,
      baselineLabel: label,
    },
    {
      figure: `mlflow-gate-and-register: wall time of the action, re-run (median of ${REPEATS}), ${at}`,
      value: large.rerunMs,
      unit: 'ms',
      baseline: small.rerunMs,
      baselineLabel: label,
    },
    {
      figure: `finding the commit's run, ${at}: full scan (pages of 1000)`,
      value: large.scanMs,
      unit: 'ms',
      baseline: large.searchMs,
      baselineLabel: 'one filtered runs/search, max_results 1 (what the action does)',
      note: `the scan makes ${large.scanCalls} calls at ${large.size} runs and ${small.scanCalls} at ${small.size}`,
    },
  ];
}
