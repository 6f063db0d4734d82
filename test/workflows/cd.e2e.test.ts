// The reusable cd.yml called directly (test/workflows/callers/cd-direct.yml), run by a real Actions
// runner (act) against one set of stand-ins, in order: a healthy deploy, a deploy whose health check
// fails and is rolled back (the previous model serves again), a healthy canary promoted to 100 %,
// and an unhealthy canary rolled back to 0 %. Each test asserts its own run's end state.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scaled } from '../helpers/timeouts.js';
import { cdRunner, expectRolledBack, failure, outputsOf, ran, type CdRunner } from './cd-runs.js';
import { ask, trainExampleModel, uploadModel, type TrainedModel } from './churn-model.js';
import { startHarness, type Harness, type WorkflowRun } from './run-workflow.js';
import { ARTIFACT_BUCKET, startExampleStandIns, type ExampleStandIns } from './stand-ins.js';

describe('cd.yml under act', () => {
  let harness: Harness;
  let standIns: ExampleStandIns;
  let model: TrainedModel;
  let cd: CdRunner;
  const uris: Record<string, string> = {};
  const deploy: CdRunner['deploy'] = (...args) => cd.deploy(...args);
  const predictorAt = (commit: string) => cd.predictorAt(commit);
  const parentOf = (commit: string) => cd.parentOf(commit);

  beforeAll(async () => {
    [harness, standIns, model] = await Promise.all([startHarness(), startExampleStandIns(), trainExampleModel(1.0)]);
    cd = cdRunner({
      harness,
      gitops: standIns.gitops,
      model,
      vars: standIns.vars('staging'),
      secrets: standIns.secrets,
      githubApiUrl: standIns.github.apiUrl,
    });
    for (const name of ['first', 'broken', 'canary', 'bad-canary'])
      uris[name] = await uploadModel(standIns.s3, ARTIFACT_BUCKET, `churn/${name}/model.joblib`, model);
  }, scaled(300_000));

  afterAll(async () => {
    await Promise.all([harness?.stop(), standIns?.stop()]);
  });

  let first: WorkflowRun;
  it(
    'deploys: the caller sees the commit, the deployed revision and no rollback; the model serves',
    async () => {
      first = await deploy(uris.first!, { healthy: true });
      expect(failure(first)).toMatch(/^exit 0/);
      const outputs = outputsOf(first);
      expect(outputs).toMatchObject({ 'rolled-back': 'false', 'deployed-revision': outputs['commit-sha'] });
      expect(outputs['commit-sha']).toBe(standIns.gitops.head());
      expect(first.step('deploy', 'wait').summary).toContain(`| expected revision | \`${outputs['commit-sha']}\` |`);
      expect(Number(outputs['latency-p95-ms'])).toBeGreaterThan(0);
      expect(predictorAt(outputs['commit-sha']!).storageUri).toBe(uris.first);
      await expect(ask(standIns.argocd.staging.endpoint)).resolves.toEqual({
        modelVersion: uris.first,
        predictions: model.predictions,
      });
    },
    scaled(300_000),
  );

  it(
    'rolls back after a failed health check: the previous model serves again at a rollback commit',
    async () => {
      const before = standIns.gitops.head();
      const run = await deploy(uris.broken!, { healthy: false });
      const { bump, rollback } = expectRolledBack(cd, run, before);
      expect(predictorAt(bump).storageUri).toBe(uris.broken);
      expect(rollback).toBe(standIns.gitops.head());
      expect(predictorAt(rollback).storageUri).toBe(uris.first);
      expect(standIns.argocd.staging.cluster.served()).toMatchObject({ storageUri: uris.first, revision: rollback });
      await expect(ask(standIns.argocd.staging.endpoint)).resolves.toMatchObject({ modelVersion: uris.first });
      expect(run.job('deploy').summary).toContain(`| commit | ${bump} | ${rollback} |`);
    },
    scaled(300_000),
  );

  it(
    'promotes a healthy canary to 100 % in a second commit that Argo CD syncs',
    async () => {
      const run = await deploy(uris.canary!, { healthy: true, canary: 25 });
      expect(failure(run)).toMatch(/^exit 0/);
      const canary = run.step('deploy', 'bump').outputs['commit-sha']!;
      const promoted = run.step('deploy', 'promote').outputs['commit-sha']!;
      expect(predictorAt(canary)).toEqual({ storageUri: uris.canary, canaryTrafficPercent: 25 });
      expect(predictorAt(promoted)).toEqual({ storageUri: uris.canary, canaryTrafficPercent: 100 });
      expect(parentOf(promoted)).toBe(canary);
      expect(outputsOf(run)).toMatchObject({
        'commit-sha': canary,
        'deployed-revision': promoted,
        'rolled-back': 'false',
      });
      expect(standIns.argocd.staging.cluster.served()).toMatchObject({ storageUri: uris.canary, revision: promoted });
    },
    scaled(300_000),
  );

  it(
    'rolls an unhealthy canary back to 0 % and fails',
    async () => {
      const run = await deploy(uris['bad-canary']!, { healthy: false, canary: 25 });
      expect(failure(run)).not.toMatch(/^exit 0/);
      expect(['health', 'rollback-canary', 'rollback-wait'].map((id) => run.step('deploy', id).outcome)).toEqual([
        'failure',
        'success',
        'success',
      ]);
      const canary = run.step('deploy', 'bump').outputs['commit-sha']!;
      const rollback = run.step('deploy', 'rollback-canary').outputs['commit-sha']!;
      expect(ran(run, 'promote')).toBe(false);
      expect(predictorAt(canary)).toEqual({ storageUri: uris['bad-canary'], canaryTrafficPercent: 25 });
      expect(predictorAt(rollback)).toEqual({ storageUri: uris['bad-canary'], canaryTrafficPercent: 0 });
      expect(parentOf(rollback)).toBe(canary);
      expect(standIns.gitops.head()).toBe(rollback);
      expect(run.step('deploy', 'rollback-wait').outputs.revision).toBe(rollback);
    },
    scaled(300_000),
  );
});
