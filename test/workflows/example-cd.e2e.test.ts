// The example repository's cd.yml (workflow_dispatch), run by a real Actions runner (act) through
// the reusable cd.yml: the bump commits through the GitHub API, Argo CD syncs that commit, and
// the endpoint serves the model that was asked for.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scaled } from '../helpers/timeouts.js';
import { readInferenceService } from '../pipeline/model-cluster.js';
import { ask, trainExampleModel, uploadModel, type TrainedModel } from './churn-model.js';
import { exportConsumer } from './export.js';
import { startHarness, type Harness, type WorkflowRun } from './run-workflow.js';
import { ARTIFACT_BUCKET, EXAMPLE_REPOSITORY, startExampleStandIns, type ExampleStandIns } from './stand-ins.js';

describe('examples/model-repo cd.yml under act', () => {
  let harness: Harness;
  let standIns: ExampleStandIns;
  let consumer: { dir: string; sha: string };
  let model: TrainedModel;
  let storageUri: string;
  let run: WorkflowRun;

  beforeAll(async () => {
    [harness, standIns, model] = await Promise.all([startHarness(), startExampleStandIns(), trainExampleModel(1.0)]);
    consumer = exportConsumer('examples/model-repo');
    storageUri = await uploadModel(standIns.s3, ARTIFACT_BUCKET, 'churn/direct/model.joblib', model);
    run = await harness.runWorkflow({
      workdir: consumer.dir,
      workflow: '.github/workflows/cd.yml',
      event: 'workflow_dispatch',
      inputs: { environment: 'staging', 'storage-uri': storageUri, 'canary-percent': 0 },
      vars: standIns.vars('staging'),
      secrets: standIns.secrets,
      githubApiUrl: standIns.github.apiUrl,
      repository: EXAMPLE_REPOSITORY,
    });
  }, scaled(600_000));

  afterAll(async () => {
    await Promise.all([harness?.stop(), standIns?.stop()]);
  });

  it('succeeds: bump, wait and health check ran, rollback skipped', () => {
    expect({ exitCode: run.exitCode, steps: run.describe() }).toMatchObject({ exitCode: 0 });
    const deploy = run.job('deploy');
    expect(deploy.result).toBe('success');
    expect(['bump', 'wait', 'health'].map((id) => run.step('deploy', id).outcome)).toEqual([
      'success',
      'success',
      'success',
    ]);
    expect(deploy.steps.find((step) => step.id === 'rollback')?.outcome ?? 'skipped').toBe('skipped');
  });

  it('commits the storage URI to the staging manifest only, through the GitHub API', () => {
    const bump = run.step('deploy', 'bump');
    const commit = bump.outputs['commit-sha']!;
    expect(commit).toBe(standIns.gitops.head());
    expect(readInferenceService(standIns.gitops.show(commit, 'gitops/staging/churn.yaml')!).storageUri).toBe(
      storageUri,
    );
    expect(standIns.gitops.show(commit, 'gitops/production/churn.yaml')).toBe(
      standIns.gitops.show(`${commit}~1`, 'gitops/production/churn.yaml'),
    );
    expect(bump.outputs['previous-storage-uri']).toBe(
      readInferenceService(standIns.gitops.show(`${commit}~1`, 'gitops/staging/churn.yaml')!).storageUri,
    );
    expect(standIns.github.requests.some((request) => request.operation === 'createCommitOnBranch')).toBe(true);
  });

  it('leaves Argo CD synced to that commit, serving the model asked for', async () => {
    const commit = run.step('deploy', 'bump').outputs['commit-sha'];
    expect(run.step('deploy', 'wait').outputs.revision).toBe(commit);
    // it waited for that commit, not for whatever the branch holds
    expect(run.step('deploy', 'wait').summary).toContain(`| expected revision | \`${commit}\` |`);
    expect(standIns.argocd.staging.cluster.served()).toMatchObject({ storageUri, revision: commit });
    await expect(ask(standIns.argocd.staging.endpoint)).resolves.toEqual({
      modelVersion: storageUri,
      predictions: model.predictions,
    });
  });

  it('writes the deploy report into the job summary', () => {
    const summary = run.job('deploy').summary;
    expect(summary).toContain('### Deploy churn to staging');
    expect(summary).toContain(`| commit | ${run.step('deploy', 'bump').outputs['commit-sha']} | none |`);
  });
});
