// The pipeline's report and the index of its summaries folder, from a result as runPipeline
// returns it (runner's jobs and steps, as act-log.ts reads them).
import { describe, expect, it } from '@jest/globals';
import type { JobRun } from '../workflows/run-workflow.js';
import type { EndState } from './end-state.js';
import type { PipelineResult, PipelineRun } from './pipeline.js';
import { formatIndex, formatReport } from './report.js';

const step = (name: string, outcome: 'success' | 'failure' | 'skipped', durationMs: number, errors: string[] = []) => ({
  id: name,
  name,
  stage: 'Main',
  outcome,
  durationMs,
  outputs: {},
  summary: '',
  errors,
});

function workflowRun(exitCode: number, jobs: JobRun[]): PipelineRun['run'] {
  return { exitCode, jobs, log: '' };
}

const train: JobRun = {
  key: 'ct.yml/ct/train',
  id: 'train',
  result: 'success',
  durationMs: 41_200,
  summary: '### Gate\n| roc_auc | 0.81 |\n',
  steps: [step('Train', 'success', 20_100), { ...step('Gate and register', 'success', 3_400), stage: 'Main' }],
};
const promote: JobRun = {
  key: 'promote.yml/promote/promote',
  id: 'promote',
  result: 'failure',
  durationMs: 9_000,
  summary: '',
  steps: [
    { ...step('setup', 'success', 5), stage: 'Pre' },
    step('Move the alias', 'failure', 1_000, ['::add-mask::x no such alias']),
    { ...step('inner', 'failure', 400, ['inside the composite']), id: 'Move the alias.0' },
    { ...step('clean-up', 'failure', 5), stage: 'Post' },
  ],
};
/** The caller's job of a reusable workflow: act logs no step for it. */
const caller: JobRun = {
  key: 'promote/promote',
  id: 'promote',
  result: undefined,
  durationMs: 0,
  summary: '',
  steps: [],
};
const planned = (label: string, workflow: string, event: string) => ({
  label,
  workflow,
  event,
  purpose: 'test',
  start: () => Promise.reject(new Error('not started here')),
});
const result: PipelineResult = {
  runs: [
    {
      planned: planned('1-nightly', 'ct.yml', 'schedule'),
      run: workflowRun(0, [train]),
      durationMs: 45_000,
      summaries: [{ job: train.key, file: '01-1-nightly-ct.yml-ct-train.md' }],
      log: 'logs/01-1-nightly.jsonl',
    },
    {
      planned: planned('2-promote', 'promote.yml', 'workflow_dispatch'),
      run: workflowRun(1, [caller, promote]),
      durationMs: 12_000,
      summaries: [],
      log: 'logs/02-2-promote.jsonl',
    },
  ],
  notRun: [planned('3-more', 'ct.yml', 'schedule')],
  totalMs: 57_000,
};
const end: EndState = {
  aliases: { challenger: '1' },
  environments: [
    {
      environment: 'staging',
      application: 'churn-staging',
      syncStatus: 'Synced',
      healthStatus: 'Healthy',
      revision: 'a'.repeat(40),
      served: { modelVersion: 's3://b/m-1/artifacts', predictions: [0, 1] },
    },
    {
      environment: 'production',
      application: 'churn-production',
      syncStatus: 'Synced',
      healthStatus: 'Progressing',
      revision: 'b'.repeat(40),
      notServing: '::error::the model endpoint answered 503',
    },
  ],
};
const context = { argocd: 'simulator (test)', summaries: '/tmp/summaries' };

describe('formatReport', () => {
  it('lists every run, its jobs and their own steps with outcome, time and errors, then what was not run and the end state', () => {
    expect(formatReport(result, end, context).split('\n')).toEqual([
      '',
      'Pipeline report',
      '',
      '1-nightly: ct.yml on schedule: success in 45.0s',
      '  job ct.yml/ct/train: success in 41s',
      '    Train              success   20.1s',
      '    Gate and register  success    3.4s',
      '',
      '2-promote: promote.yml on workflow_dispatch: failure in 12.0s',
      '  job promote.yml/promote/promote: failure in 9s',
      '    Move the alias  failure    1.0s',
      '      error: :\u200b:add-mask::x no such alias',
      '      error: inside the composite',
      '    Post clean-up   failure    0.0s',
      '',
      '3-more: ct.yml on schedule: not run (an earlier run failed)',
      'MLflow aliases: challenger -> 1',
      `staging: churn-staging Synced/Healthy at ${'a'.repeat(12)}, serving s3://b/m-1/artifacts`,
      `production: churn-production Synced/Progressing at ${'b'.repeat(12)}, not serving (:\u200b:error::the model endpoint answered 503)`,
      'Argo CD: simulator (test)',
      'Total: 57.0s for 2 workflow run(s); job summaries in /tmp/summaries (index.md)',
      '',
    ]);
  });
});

describe('formatIndex', () => {
  it('links each job to the summary the runner recorded, and names the jobs without one', () => {
    const index = formatIndex(result, end, context);
    expect(index).toContain(
      '| 1-nightly | ct.yml on schedule | [ct.yml/ct/train](01-1-nightly-ct.yml-ct-train.md) | success | 41s |',
    );
    expect(index).toContain(
      '| 2-promote | promote.yml on workflow_dispatch | promote.yml/promote/promote (no summary) | failure | 9s |',
    );
    expect(index).toContain('| 3-more | ct.yml on schedule | not run | | |');
    expect(index).toContain(
      "The runner's logs (act --json): [1-nightly](logs/01-1-nightly.jsonl), [2-promote](logs/02-2-promote.jsonl).",
    );
    expect(index).toContain('- MLflow aliases: challenger -> 1');
    expect(index).toContain('Argo CD: simulator (test).');
  });
});
