import { defuseCommands } from '../../packages/action-kit/src/workflow-commands.js';
import type { JobRun, StepRun } from '../workflows/act-log.js';
import type { EndState } from './end-state.js';
import { seconds, type PipelineResult } from './pipeline.js';

/** What the report says about the Argo CD the deployments went through. */
export interface ReportContext {
  argocd: string;
  summaries: string;
}

/**
 * The end-of-run report: each workflow run with its jobs and their steps (outcome and duration
 * from the runner's log, the ::error:: lines of a failed step), then the registry and every
 * environment as the peers report them. Step errors are the workflow's text: defused, so a runner
 * reading this output acts on none of it.
 */
export function formatReport(result: PipelineResult, end: EndState | undefined, context: ReportContext): string {
  const lines = ['', 'Pipeline report', ''];
  for (const { planned, run, durationMs } of result.runs) {
    lines.push(
      `${planned.label}: ${planned.workflow} on ${planned.event}: ${run.exitCode === 0 ? 'success' : 'failure'} in ${seconds(durationMs)}`,
    );
    for (const job of reportedJobs(run.jobs)) {
      lines.push(`  job ${jobName(job)}: ${job.result ?? 'unfinished'} in ${wholeSeconds(job.durationMs)}`);
      const steps = reportedSteps(job);
      const width = Math.max(0, ...steps.map((step) => stepName(step).length));
      for (const step of steps) {
        lines.push(
          `    ${stepName(step).padEnd(width)}  ${step.outcome.padEnd(7)} ${seconds(step.durationMs).padStart(7)}`,
        );
        for (const error of step.errors)
          lines.push(`      error: ${defuseCommands(error).replace(/\n/g, '\n             ')}`);
      }
    }
    lines.push('');
  }
  for (const planned of result.notRun)
    lines.push(`${planned.label}: ${planned.workflow} on ${planned.event}: not run (an earlier run failed)`);
  if (end) lines.push(...endStateLines(end));
  lines.push(
    `Argo CD: ${context.argocd}`,
    `Total: ${seconds(result.totalMs)} for ${result.runs.length} workflow run(s); job summaries in ${context.summaries} (index.md)`,
    '',
  );
  return lines.join('\n');
}

function endStateLines(end: EndState): string[] {
  const aliases = Object.entries(end.aliases).map(([alias, version]) => `${alias} -> ${version}`);
  return [
    `MLflow aliases: ${aliases.join(', ') || 'none'}`,
    ...end.environments.map(
      (env) =>
        `${env.environment}: ${env.application} ${env.syncStatus}/${env.healthStatus} at ${env.revision.slice(0, 12) || '(none)'}, ` +
        (env.served ? `serving ${env.served.modelVersion}` : `not serving (${defuseCommands(env.notServing ?? '')})`),
    ),
  ];
}

/** index.md of the summaries folder: every run's jobs, each linked to the summary the runner recorded. */
export function formatIndex(result: PipelineResult, end: EndState | undefined, context: ReportContext): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = result.runs.flatMap(({ planned, run, summaries }) =>
    reportedJobs(run.jobs).map((job) => {
      const summary = summaries.find((saved) => saved.job === job.key);
      const name = summary ? `[${jobName(job)}](${summary.file})` : `${jobName(job)} (no summary)`;
      return `| ${planned.label} | ${planned.workflow} on ${planned.event} | ${cell(name)} | ${job.result ?? 'unfinished'} | ${wholeSeconds(job.durationMs)} |`;
    }),
  );
  return [
    '# Local pipeline run',
    '',
    `Argo CD: ${context.argocd}.`,
    '',
    '| run | workflow | job | result | time |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...result.notRun.map((planned) => `| ${planned.label} | ${planned.workflow} on ${planned.event} | not run | | |`),
    '',
    `The runner's logs (act --json): ${result.runs.map(({ planned, log }) => `[${planned.label}](${log})`).join(', ') || 'none'}.`,
    '',
    ...(end ? endStateLines(end).map((line) => `- ${cell(line)}`) : []),
    '',
    `Total: ${seconds(result.totalMs)}.`,
    '',
  ].join('\n');
}

/**
 * The jobs that ran or were skipped. A caller's job of a reusable workflow logs no step of its own
 * (its callee's jobs carry them) and is left out.
 */
function reportedJobs(jobs: JobRun[]): JobRun[] {
  return jobs.filter((job) => job.steps.length > 0 || job.result !== undefined);
}

/**
 * The job's own steps: every Main step, a Pre or Post step (an action's set-up and clean-up) only
 * when it failed. A composite action's inner steps (id `<step>.<inner>`) are folded into their
 * step, which carries their errors.
 */
function reportedSteps(job: JobRun): StepRun[] {
  return job.steps
    .filter((step) => !step.id.includes('.') && (step.stage === 'Main' || step.outcome === 'failure'))
    .map((step) => {
      const inner = job.steps.filter((each) => each.stage === step.stage && each.id.startsWith(`${step.id}.`));
      return { ...step, errors: [...step.errors, ...inner.flatMap((each) => each.errors)] };
    });
}

/** act's job key: `<workflow name>/<job id>[/<callee job name>]`, whose names it pads with spaces. */
function jobName(job: JobRun): string {
  return job.key
    .split('/')
    .map((part) => part.trim())
    .join('/');
}

/** A job's time comes from act's log timestamps, which have whole seconds. */
function wholeSeconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

function stepName(step: { name: string; stage: string }): string {
  return step.stage === 'Main' ? step.name : `${step.stage} ${step.name}`;
}
