// The local pipeline as scripts/pipeline.sh runs it (5000 rows): the example repository's three
// workflow runs under a real Actions runner (act): the wall time of each run, of the start of the
// stand-ins, and the total, beside the previous TypeScript pipeline's total. That pipeline ran the
// bundles directly, without a runner, and is retired, so its figure is the one recorded in
// bench/results.json on 2026-11-23 (44.4 s, stand-ins included), not a measurement of this run.
// MLOPS_PIPELINE_ARGOCD=real|simulator picks the Argo CD (default as the script: real when built).
// One run: the figures are for reading, not for comparing tightly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseArgoCd } from '../test/pipeline/argocd-choice.js';
import { startLocalPipeline, type LocalPipeline } from '../test/pipeline/local-pipeline.js';
import { round, type Figure } from './lib.js';

const OLD_BASELINE = {
  baseline: 44.4,
  baselineLabel: 'the retired TypeScript pipeline, total, recorded 2026-11-23 (old baseline, not re-run)',
};

export default async function pipelineBench(): Promise<Figure[]> {
  const choice = chooseArgoCd(process.env.MLOPS_PIPELINE_ARGOCD || undefined);
  const summaries = mkdtempSync(join(tmpdir(), 'pipeline-bench-'));
  let pipeline: LocalPipeline | undefined;
  try {
    pipeline = await startLocalPipeline({ argocd: choice.tier });
    const { result } = await pipeline.run({ rows: 5000, summaries });
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
    return figures;
  } finally {
    await pipeline?.stop();
    rmSync(summaries, { recursive: true, force: true });
  }
}
