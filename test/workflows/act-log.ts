/**
 * What one act run did, read from its `--json --verbose` log (one logrus JSON object a line).
 * The fields used are those act v0.2.89 writes: `jobID`/`job` on every job line, `stepID`,
 * `stage` and `stepResult`/`executionTime` on a step's end (pkg/runner/step.go), `command`
 * `set-output` (name, arg) and `summary` (content) for $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY
 * (pkg/runner/step.go, command.go), `command: error` for ::error:: lines, and `jobResult` on a
 * job's end (pkg/runner/job_executor.go) or on a skipped job (pkg/runner/run_context.go), and
 * logrus's `time` on every line (RFC 3339 in whole seconds, JSONFormatter's default).
 */
export type Outcome = 'success' | 'failure' | 'skipped';

export interface StepRun {
  /** The step's `id:`, or act's index for a step without one. */
  id: string;
  name: string;
  /** Pre, Main or Post. */
  stage: string;
  outcome: Outcome;
  durationMs: number;
  outputs: Record<string, string>;
  /** What the step appended to $GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The step's ::error:: messages. */
  errors: string[];
}

export interface JobRun {
  /** act's job path: `<workflow file>/<job id>`, and `/<callee job id>` for a reusable workflow's job. */
  key: string;
  /** The job id in its own workflow (the callee's for a reusable workflow's job). */
  id: string;
  result: Outcome | undefined;
  steps: StepRun[];
  /** The job summary: every step's summary in order. */
  summary: string;
  /** From the job's first log line to its last (set-up and fetching of its actions included), to the second. */
  durationMs: number;
}

interface Line {
  job?: string;
  jobID?: string;
  jobResult?: Outcome;
  step?: string;
  stepID?: string[];
  stage?: string;
  stepResult?: Outcome;
  executionTime?: number;
  command?: string;
  name?: string;
  arg?: string;
  content?: string;
  msg?: string;
  time?: string;
}

/** Steps of act's own bookkeeping, not of the workflow. */
const SETUP_STEPS = new Set(['Set up job', 'Complete job']);

export function parseActLog(text: string): JobRun[] {
  const jobs = new Map<string, JobRun>();
  const open = new Map<string, StepRun>();
  const firstSeen = new Map<JobRun, number>();
  for (const raw of text.split('\n')) {
    if (!raw.startsWith('{')) continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      continue;
    }
    if (!line.job) continue;
    let job = jobs.get(line.job);
    if (!job) {
      job = { key: line.job, id: line.jobID ?? line.job, result: undefined, steps: [], summary: '', durationMs: 0 };
      jobs.set(line.job, job);
    }
    const at = line.time ? Date.parse(line.time) : Number.NaN;
    if (!Number.isNaN(at)) {
      if (!firstSeen.has(job)) firstSeen.set(job, at);
      job.durationMs = at - firstSeen.get(job)!;
    }
    if (line.jobResult) {
      job.result = line.jobResult;
      continue;
    }
    if (!line.step || SETUP_STEPS.has(line.step) || !line.stepID) continue;
    const id = line.stepID.join('.');
    const stage = line.stage ?? 'Main';
    const key = `${line.job}\0${id}\0${stage}`;
    let step = open.get(key);
    if (!step) {
      step = { id, name: line.step, stage, outcome: 'skipped', durationMs: 0, outputs: {}, summary: '', errors: [] };
      open.set(key, step);
      job.steps.push(step);
    }
    if (line.stepResult) {
      step.outcome = line.stepResult;
      step.durationMs = Math.round((line.executionTime ?? 0) / 1e6);
    } else if (line.command === 'set-output' && line.name !== undefined) {
      step.outputs[line.name] = line.arg ?? '';
    } else if (line.command === 'summary' && line.content !== undefined) {
      step.summary += line.content;
      job.summary += line.content;
    } else if (line.command === 'error') {
      step.errors.push(line.arg ?? line.msg ?? '');
    }
  }
  return [...jobs.values()];
}
