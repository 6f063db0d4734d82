// The example repository's promote.yml (workflow_dispatch), run by a real Actions runner (act)
// through the reusable promote.yml: MLflow holds version 1 as champion and version 2 as
// challenger (both logged by the example's train.py, registered by the mlflow package); the
// promotion moves champion to 2, bumps production to version 2's exact storage URI (its MLflow 3
// model id, which the REST API only gives in the version's source) and Argo CD serves it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scaled } from '../helpers/timeouts.js';
import { readInferenceService } from '../pipeline/model-cluster.js';
import { ask } from './churn-model.js';
import { exportConsumer } from './export.js';
import { registry, trainAndRegister, type RegisteredModel } from './registered-model.js';
import { startHarness, type Harness, type WorkflowRun } from './run-workflow.js';
import { ARTIFACT_BUCKET, EXAMPLE_REPOSITORY, startExampleStandIns, type ExampleStandIns } from './stand-ins.js';

describe('examples/model-repo promote.yml under act', () => {
  let harness: Harness;
  let standIns: ExampleStandIns;
  let champion: RegisteredModel;
  let challenger: RegisteredModel;
  let run: WorkflowRun;
  const manifest = (environment: string, commit: string) =>
    readInferenceService(standIns.gitops.show(commit, `gitops/${environment}/churn.yaml`)!);

  beforeAll(async () => {
    [harness, standIns] = await Promise.all([startHarness(), startExampleStandIns({ mlflow: true })]);
    const mlflow = standIns.mlflow!;
    champion = await trainAndRegister(mlflow, standIns.s3, ARTIFACT_BUCKET, { c: 0.01, aliases: ['champion'] });
    challenger = await trainAndRegister(mlflow, standIns.s3, ARTIFACT_BUCKET, { c: 1.0, aliases: ['challenger'] });
    const consumer = exportConsumer('examples/model-repo');
    run = await harness.runWorkflow({
      workdir: consumer.dir,
      workflow: '.github/workflows/promote.yml',
      event: 'workflow_dispatch',
      vars: standIns.vars('production'),
      secrets: standIns.secrets,
      githubApiUrl: standIns.github.apiUrl,
      repository: EXAMPLE_REPOSITORY,
    });
  }, scaled(900_000));

  afterAll(async () => {
    await Promise.all([harness?.stop(), standIns?.stop()]);
  });

  it('succeeds, and the alias step reports the promoted version, its model id and the previous champion', () => {
    expect(`exit ${run.exitCode}\n${run.describe()}`).toMatch(/^exit 0/);
    expect(challenger.modelId).toMatch(/^m-[0-9a-f]+$/);
    expect(run.step('promote', 'alias').outputs).toMatchObject({
      version: challenger.version,
      'previous-version': champion.version,
      'model-id': challenger.modelId,
    });
  });

  it('moves champion to the challenger in MLflow', async () => {
    await expect(registry(standIns.mlflow!.url)).resolves.toMatchObject({
      aliases: { champion: challenger.version, challenger: challenger.version },
    });
  });

  it("bumps production, and only production, to that version's exact storage URI", () => {
    expect(run.step('promote', 'storage').outputs.uri).toBe(challenger.storageUri);
    const commit = run.step('promote', 'bump').outputs['commit-sha']!;
    expect(commit).toBe(standIns.gitops.head());
    expect(manifest('production', commit).storageUri).toBe(challenger.storageUri);
    expect(manifest('staging', commit)).toEqual(manifest('staging', `${commit}~1`));
  });

  it('leaves Argo CD synced to that commit and production serving the promoted model', async () => {
    const commit = run.step('promote', 'bump').outputs['commit-sha']!;
    expect(run.step('promote', 'wait').summary).toContain(`| expected revision | \`${commit}\` |`);
    expect(standIns.argocd.production.cluster.served()).toMatchObject({
      storageUri: challenger.storageUri,
      revision: commit,
    });
    await expect(ask(standIns.argocd.production.endpoint)).resolves.toMatchObject({
      modelVersion: challenger.storageUri,
    });
  });
});
