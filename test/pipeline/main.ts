/**
 * The local pipeline, end to end (scripts/pipeline.sh runs it with tsx): starts the stand-ins,
 * runs the three rounds, prints the report and stops everything, also on Ctrl-C or a failure.
 *
 *   tsx test/pipeline/main.ts [--rows N] [--requests N] [--summaries DIR]
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../helpers/paths.js';
import { runPipeline } from './pipeline.js';
import { formatIndex, formatReport } from './report.js';
import { startStandIns, type StandIns } from './stand-ins.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '5000' },
    requests: { type: 'string', default: '200' },
    summaries: { type: 'string', default: join(repoRoot, '.pipeline', 'summaries') },
  },
});
const rows = Number(values.rows);
const requests = Number(values.requests);
if (!Number.isInteger(rows) || rows < 200) fail(`--rows must be an integer of at least 200, got ${values.rows}`);
if (!Number.isInteger(requests) || requests < 1) fail(`--requests must be a positive integer, got ${values.requests}`);
const summaries = resolve(values.summaries);

let standIns: StandIns | undefined;
let stopping: Promise<void> | undefined;
const stopAll = () => (stopping ??= standIns ? standIns.stop() : Promise.resolve());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the stand-ins`);
    void stopAll().finally(() => process.exit(130));
  });
}

const print = (line: string) => console.log(line);
try {
  rmSync(summaries, { recursive: true, force: true });
  print('Starting the stand-ins (MLflow, moto S3, GitOps repo, local Argo CD with the model server)...');
  standIns = await startStandIns(print);
  const result = await runPipeline({ standIns, summaries, rows, requests, print });
  writeFileSync(join(summaries, 'index.md'), formatIndex(result));
  print(formatReport(result, summaries));
} catch (error) {
  console.error(`pipeline failed: ${(error as Error).message}`);
  console.error(`job summaries so far in ${summaries}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
