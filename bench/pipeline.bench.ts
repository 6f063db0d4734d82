// The local pipeline as scripts/pipeline.sh runs it (its defaults): the example repository's three
// workflow runs under a real Actions runner (act): the wall time of each run, of the start of the
// stand-ins, and the total, beside the previous TypeScript pipeline's total. That pipeline ran the
// bundles directly, without a runner, and is retired, so its figure is the one recorded in
// bench/results.json on 2026-11-23 (44.4 s, stand-ins included), not a measurement of this run.
// MLOPS_PIPELINE_ARGOCD=real|simulator picks the Argo CD (default as the script: real when built).
// One run: the figures are for reading, not for comparing tightly.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseArgoCd } from '../test/pipeline/argocd-choice.js';
import { NEW_DATA_ROWS, startLocalPipeline, type LocalPipeline } from '../test/pipeline/local-pipeline.js';
import { round, type Figure } from './lib.js';

const OLD_BASELINE = {
  baseline: 44.4,
  baselineLabel: 'the retired TypeScript pipeline, total, recorded 2026-11-23 (old baseline, not re-run)',
};

export default async function pipelineBench(): Promise<Figure[]> {
  const choice = chooseArgoCd(process.env.MLOPS_PIPELINE_ARGOCD || undefined);
  const summaries = mkdtempSync(join(tmpdir(), 'pipeline-bench-'));
  let pipeline: LocalPipeline | undefined;
  const cpuBefore = cpuSeconds();
  const loadBefore = loadavg()[0]!;
  try {
    pipeline = await startLocalPipeline({ argocd: choice.tier });
    const { result } = await pipeline.run({ rows: NEW_DATA_ROWS, summaries });
    const figures: Figure[] = [
      {
        figure: `pipeline (${choice.tier} Argo CD): start the stand-ins and the runner harness`,
        value: round(pipeline.startMs / 1000),
        unit: 's',
      },
    ];
    for (const { planned, run, durationMs } of result.runs) {
      figures.push({
        figure: `pipeline (${choice.tier} Argo CD): ${planned.label}, ${planned.workflow} on ${planned.event} under act`,
        value: round(durationMs / 1000),
        unit: 's',
        note: run.exitCode === 0 ? undefined : `failed: act exit ${run.exitCode}`,
      });
    }
    const runsMs = result.runs.reduce((sum, { durationMs }) => sum + durationMs, 0);
    figures.push({
      figure: `pipeline (${choice.tier} Argo CD): total, stand-ins included`,
      value: round((pipeline.startMs + result.totalMs) / 1000),
      unit: 's',
      ...OLD_BASELINE,
      goal: 'about a minute once set up, never more than 3',
      note: `${result.runs.length} workflow runs: ${round(runsMs / 1000)} s of act${result.notRun.length ? `; not run: ${result.notRun.map((p) => p.label).join(', ')}` : ''}`,
    });
    await pipeline.stop();
    pipeline = undefined;
    figures.push({
      figure: `pipeline (${choice.tier} Argo CD): CPU time of it and everything it started`,
      value: round(cpuSeconds() - cpuBefore),
      unit: 's',
      note: `what the wall time stretches on a busy machine: load average ${round(loadBefore, 1)} before, ${round(loadavg()[0]!, 1)} after, on ${availableParallelism()} cores`,
    });
    return figures;
  } finally {
    await pipeline?.stop();
    rmSync(summaries, { recursive: true, force: true });
  }
}

/**
 * User + system time of this process and of its children that have ended (and theirs), from
 * /proc/self/stat: every server and act run the pipeline started has ended once it is stopped.
 */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // utime, stime, cutime, cstime are fields 14-17 of stat(5); the split starts at field 3.
  const ticks = fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0);
  return ticks / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
}
