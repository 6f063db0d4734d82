// The local pipeline (test/pipeline), one full run as scripts/pipeline.sh does it (5000 rows,
// 200 timed requests per health check): the wall time of each step of each round, the start of
// the stand-ins, and the total. One run: the figures are for reading, not for comparing tightly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipeline } from '../test/pipeline/pipeline.js';
import { startStandIns, type StandIns } from '../test/pipeline/stand-ins.js';
import { round, timeAsync, type Figure } from './lib.js';

export default async function pipelineBench(): Promise<Figure[]> {
  const summaries = mkdtempSync(join(tmpdir(), 'pipeline-bench-'));
  let standIns: StandIns | undefined;
  try {
    const started = await timeAsync(() => startStandIns());
    standIns = started.value;
    const result = await runPipeline({ standIns, summaries, rows: 5000, requests: 200 });
    const figures: Figure[] = [{ figure: 'pipeline: start the stand-ins', value: round(started.ms / 1000), unit: 's' }];
    for (const step of result.steps) {
      figures.push({
        figure: `pipeline: ${step.round} ${step.step}`,
        value: round(step.durationMs / 1000),
        unit: 's',
        note: step.outcome === 'passed' ? undefined : step.outcome,
      });
    }
    figures.push({
      figure: 'pipeline: total, stand-ins included',
      value: round((started.ms + result.totalMs) / 1000),
      unit: 's',
      goal: '< 180 s on 2 cores once set up',
    });
    return figures;
  } finally {
    await standIns?.stop();
    rmSync(summaries, { recursive: true, force: true });
  }
}
