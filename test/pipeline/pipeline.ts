import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowRun } from '../workflows/run-workflow.js';

/** One workflow run the pipeline makes: which workflow, on which event, and how the runner starts it. */
export interface PlannedRun {
  /** Short and unique, e.g. `1-nightly`; names its summaries. */
  label: string;
  /** The workflow file, relative to the repository's .github/workflows. */
  workflow: string;
  event: string;
  /** What happens in this round, for the report. */
  purpose: string;
  /** What happens in the repository before the run (e.g. new data committed), said in a line; not part of the run's time. */
  prepare?(): Promise<string>;
  start(): Promise<WorkflowRun>;
}

/** A job summary the runner wrote, saved under the summaries folder. */
export interface SavedSummary {
  /** act's job key (`<workflow>/<job>[/<callee job>]`). */
  job: string;
  /** Relative to the summaries folder. */
  file: string;
}

export interface PipelineRun {
  planned: PlannedRun;
  /** What the report and the summaries need of the run. */
  run: Pick<WorkflowRun, 'exitCode' | 'jobs' | 'log'>;
  durationMs: number;
  summaries: SavedSummary[];
  /** The runner's own log of the run (act --json), relative to the summaries folder. */
  log: string;
}

export interface PipelineResult {
  runs: PipelineRun[];
  /** Planned runs not started because an earlier one failed. */
  notRun: PlannedRun[];
  totalMs: number;
}

/**
 * Makes the planned workflow runs in order, each through the real runner, and saves every job
 * summary the runner recorded to `summaries`, and the runner's log of each run to its logs/. A failed run ends the pipeline: later runs build on
 * what it should have left (a registered challenger, a deployment), so they are reported as not
 * run. An abort (Ctrl-C) ends it with the signal's reason.
 */
export async function runPipeline(
  plan: PlannedRun[],
  options: { summaries: string; print?: (line: string) => void; signal?: AbortSignal },
): Promise<PipelineResult> {
  const print = options.print ?? (() => {});
  mkdirSync(options.summaries, { recursive: true });
  const started = Date.now();
  const runs: PipelineRun[] = [];
  for (const [index, planned] of plan.entries()) {
    options.signal?.throwIfAborted();
    print(`▶ ${planned.label}: ${planned.workflow} on ${planned.event} (${planned.purpose})`);
    if (planned.prepare) {
      const preparing = Date.now();
      const done = await planned.prepare();
      print(`  ${done} (${seconds(Date.now() - preparing)})`);
    }
    const begun = Date.now();
    const run = await planned.start();
    const durationMs = Date.now() - begun;
    // An interrupted run fails for that reason only: nothing of it is reported.
    options.signal?.throwIfAborted();
    const prefix = `${String(index + 1).padStart(2, '0')}-${planned.label}`;
    const log = join('logs', `${prefix}.jsonl`);
    mkdirSync(join(options.summaries, 'logs'), { recursive: true });
    writeFileSync(join(options.summaries, log), run.log);
    const summaries = run.jobs
      .filter((job) => job.summary.trim())
      .map((job) => {
        const file = `${prefix}-${job.key}.md`.replace(/[^\w.-]+/g, '-');
        writeFileSync(join(options.summaries, file), job.summary);
        return { job: job.key, file };
      });
    runs.push({ planned, run, durationMs, summaries, log });
    print(
      `  ${planned.label}: ${run.exitCode === 0 ? 'succeeded' : `failed (act exit ${run.exitCode})`} in ${seconds(durationMs)}`,
    );
    if (run.exitCode !== 0) return { runs, notRun: plan.slice(index + 1), totalMs: Date.now() - started };
  }
  return { runs, notRun: [], totalMs: Date.now() - started };
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
