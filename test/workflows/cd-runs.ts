import { expect } from '@jest/globals';
import { parse } from 'yaml';
import { git, type GitOpsRepo } from '../pipeline/gitops-repo.js';
import { v2Expected, v2Payload, type TrainedModel } from './churn-model.js';
import { exportConsumer } from './export.js';
import type { Harness, WorkflowRun } from './run-workflow.js';
import { EXAMPLE_REPOSITORY } from './stand-ins.js';

/** The example's staging manifest, which the cd runs bump. */
export const STAGING_MANIFEST = 'gitops/staging/churn.yaml';

export interface Predictor {
  storageUri?: string;
  canaryTrafficPercent?: number;
}

export interface CdRunner {
  /** One run of cd.yml through its test caller; `healthy` decides whether the expected answer is the model's or its opposite. */
  deploy(storageUri: string, options: { healthy: boolean; canary?: number }): Promise<WorkflowRun>;
  /** The staging predictor in the GitOps repository at a commit. */
  predictorAt(commit: string): Predictor;
  parentOf(commit: string): string;
}

/**
 * Runs the reusable cd.yml, called directly (test/workflows/callers/cd-direct.yml), with a real
 * Actions runner against whichever Argo CD `vars` and `secrets` point at: the simulator
 * (cd.e2e.test.ts) or a real one (test/real-argocd/cd-workflow.e2e.test.ts).
 */
export function cdRunner(options: {
  harness: Harness;
  gitops: GitOpsRepo;
  model: TrainedModel;
  vars: Record<string, string>;
  secrets: Record<string, string>;
  githubApiUrl: string;
  timeoutMs?: number;
}): CdRunner {
  const consumer = exportConsumer('examples/model-repo', ['cd-direct.yml']);
  const { model } = options;
  return {
    deploy: (storageUri, { healthy, canary }) =>
      options.harness.runWorkflow({
        workdir: consumer.dir,
        workflow: '.github/workflows/cd-direct.yml',
        event: 'workflow_dispatch',
        inputs: {
          'storage-uri': storageUri,
          'canary-percent': canary ?? 0,
          payload: JSON.stringify(v2Payload()),
          expected: v2Expected(healthy ? model.predictions : model.predictions.map((value) => 1 - value)),
        },
        vars: options.vars,
        secrets: options.secrets,
        githubApiUrl: options.githubApiUrl,
        repository: EXAMPLE_REPOSITORY,
        timeoutMs: options.timeoutMs,
      }),
    predictorAt(commit) {
      const manifest = parse(options.gitops.show(commit, STAGING_MANIFEST)!) as {
        spec: { predictor: Predictor & { model: Predictor } };
      };
      return {
        storageUri: manifest.spec.predictor.model.storageUri,
        canaryTrafficPercent: manifest.spec.predictor.canaryTrafficPercent,
      };
    },
    parentOf: (commit) => git(options.gitops.bare, 'rev-parse', `${commit}~1`),
  };
}

/** The callee's outputs, as the caller's `outputs` job printed them. */
export const outputsOf = (run: WorkflowRun) =>
  JSON.parse(run.step('outputs', 'print').outputs.json!) as Record<string, string>;

/** The exit code and every step's outcome, for an assertion's failure message. */
export const failure = (run: WorkflowRun) => `exit ${run.exitCode}\n${run.describe()}`;

/** Whether a step of the deploy job ran (was not skipped). */
export const ran = (run: WorkflowRun, id: string) =>
  run.job('deploy').steps.some((step) => step.id === id && step.outcome !== 'skipped');

/**
 * Asserts a run whose health check failed rolled back in order (bump, wait, failed health check,
 * rollback, its wait and health check), each commit on the one before; returns the two commits.
 */
export function expectRolledBack(cd: CdRunner, run: WorkflowRun, before: string): { bump: string; rollback: string } {
  expect(failure(run)).not.toMatch(/^exit 0/);
  expect(
    ['bump', 'wait', 'health', 'rollback', 'rollback-wait', 'rollback-health'].map(
      (id) => run.step('deploy', id).outcome,
    ),
  ).toEqual(['success', 'success', 'failure', 'success', 'success', 'success']);
  const bump = run.step('deploy', 'bump').outputs['commit-sha']!;
  const rollback = run.step('deploy', 'rollback').outputs['commit-sha']!;
  expect(cd.parentOf(bump)).toBe(before);
  expect(cd.parentOf(rollback)).toBe(bump);
  expect(run.step('deploy', 'rollback-wait').outputs.revision).toBe(rollback);
  return { bump, rollback };
}
