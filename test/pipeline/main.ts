/**
 * The local pipeline (scripts/pipeline.sh runs it with tsx): the example repository's workflows,
 * run by a real Actions runner (act) against the local stand-ins, then the report; everything
 * started is stopped again, also on Ctrl-C or a failure. Exit 0 when every workflow run
 * succeeded, 1 when one failed, 2 on a bad argument, 130 when interrupted.
 *
 *   tsx test/pipeline/main.ts [--argocd real|simulator] [--rows N] [--summaries DIR]
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../helpers/paths.js';
import { chooseArgoCd, UsageError, type ArgoCdChoice } from './argocd-choice.js';
import { NEW_DATA_ROWS, repositoryRows, startLocalPipeline, type LocalPipeline } from './local-pipeline.js';
import { formatIndex, formatReport } from './report.js';

const print = (line: string) => console.log(line);

let options: { choice: ArgoCdChoice; rows: number; summaries: string };
try {
  options = readArguments();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const { choice, rows, summaries } = options;
for (const line of choice.banner) print(line);

let pipeline: LocalPipeline | undefined;
let stopping: Promise<void> | undefined;
const stopAll = () => (stopping ??= pipeline ? pipeline.stop() : Promise.resolve());
// Ctrl-C reaches act too (same process group): the run it ends is not reported as a failure.
const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted.abort(new Error(signal));
    console.error(`\n${signal}: stopping the runner and the stand-ins`);
    // Whatever a start in progress has spawned is ended by the owned-process registry on exit.
    void stopAll().finally(() => process.exit(130));
  });
}

try {
  setUp();
  rmSync(summaries, { recursive: true, force: true });
  print(
    'Starting the stand-ins: MLflow (artifacts in moto S3), moto (S3, STS), the GitOps repository behind a fake GitHub API, Argo CD per environment, the runner harness...',
  );
  pipeline = await startLocalPipeline({ argocd: choice.tier });
  print(`Stand-ins up in ${(pipeline.startMs / 1000).toFixed(1)}s.`);
  const { result, end } = await pipeline.run({ rows, summaries, print, signal: interrupted.signal });
  interrupted.signal.throwIfAborted();
  const context = { argocd: choice.description, summaries };
  writeFileSync(join(summaries, 'index.md'), formatIndex(result, end, context));
  print(formatReport(result, end, context));
  if (result.notRun.length > 0 || result.runs.some(({ run }) => run.exitCode !== 0)) {
    console.error('pipeline failed: a workflow run failed (see its job and steps above)');
    process.exitCode = 1;
  }
} catch (error) {
  // Interrupted: the signal handler stops everything and exits 130.
  if (interrupted.signal.aborted) await new Promise(() => {});
  console.error(`pipeline failed: ${(error as Error).message}`);
  console.error(`job summaries so far in ${summaries}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}

function readArguments() {
  const { values } = parseArgs({
    options: {
      argocd: { type: 'string' },
      rows: { type: 'string', default: String(NEW_DATA_ROWS) },
      summaries: { type: 'string', default: join(repoRoot, '.pipeline', 'summaries') },
    },
  });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 500)
    throw new UsageError(`--rows must be an integer of at least 500, got ${values.rows}`);
  // The same rows regenerate the same data: nothing would arrive.
  if (rows === repositoryRows())
    throw new UsageError(
      `--rows must differ from the ${rows} rows the repository holds already (examples/model-repo/params.yaml)`,
    );
  return { choice: chooseArgoCd(values.argocd), rows, summaries: resolve(values.summaries) };
}

/**
 * The stack's peers and act (test/stack/setup.sh, quick once built), without the real Argo CD
 * tier: the choice above never starts its hour-long build.
 */
function setUp(): void {
  const setup = spawnSync(join(repoRoot, 'test', 'stack', 'setup.sh'), {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, MLOPS_REAL_ARGOCD: '0' },
  });
  if (setup.status !== 0)
    throw new Error(`test/stack/setup.sh failed (exit ${setup.status ?? setup.signal}): its messages are above`);
}
