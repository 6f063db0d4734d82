// The reusable cd.yml under a real Actions runner (act) against the real Argo CD: the bump
// commits through the fake GitHub API into the GitOps repository that Argo CD reads over
// `git daemon`, Argo CD syncs the example's InferenceService into the loopback kube-apiserver,
// and the KServe stand-in serves it. In order, as test/workflows/cd.e2e.test.ts does against the
// simulator: a healthy deploy, a failed health check rolled back (the previous model serves
// again), a healthy canary promoted to 100 %, an unhealthy canary rolled back to 0 %. Each test
// asserts the end state the run leaves behind, read from Argo CD, the InferenceService in the
// apiserver and the model endpoint, right after the run: the workflow must not end earlier.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeGitHub } from '../fakes/github/server.js';
import { scaled } from '../helpers/timeouts.js';
import {
  cdRunner,
  expectRolledBack,
  failure,
  outputsOf,
  ran,
  STAGING_MANIFEST,
  type CdRunner,
} from '../workflows/cd-runs.js';
import { ask, trainExampleModel, type TrainedModel } from '../workflows/churn-model.js';
import { startHarness, type Harness } from '../workflows/run-workflow.js';
import { ARTIFACT_BUCKET, EXAMPLE_REPO, EXAMPLE_REPOSITORY } from '../workflows/stand-ins.js';
import { REAL_ARGOCD_ENABLED } from './cluster.js';
import { startRealGitOps, type RealGitOps } from './harness.js';
import type { InferenceServiceObject, TrafficTarget } from './kserve-controller.js';

// Skipped with MLOPS_REAL_ARGOCD=0 (see REAL_ARGOCD_ENABLED).
const describeReal = REAL_ARGOCD_ENABLED ? describe : describe.skip;

const APPLICATION = 'churn-staging';
const NAMESPACE = 'models-staging';
const SERVICE = 'churn';
const GITHUB_TOKEN = 'ghs_realArgoCdWorkflowToken00000000000';
/** One cd run: act, two Argo CD syncs and model rollouts, health checks (cd-direct.yml: sync 3m, health 1m each). */
const RUN_MS = scaled(480_000);

interface LiveService extends InferenceServiceObject {
  spec: { predictor: { canaryTrafficPercent?: number; model: { storageUri: string } } };
  status: {
    observedGeneration?: number;
    conditions?: { type: string; status: string }[];
    components?: { predictor?: { latestReadyRevision?: string; traffic?: TrafficTarget[] } };
  };
}

describeReal('cd.yml under act against a real Argo CD', () => {
  let gitops: RealGitOps;
  let github: FakeGitHub;
  let harness: Harness;
  let model: TrainedModel;
  let cd: CdRunner;
  let endpoint: string;
  const uris: Record<string, string> = {};

  /** The Application's revision and status, and the live InferenceService, now. */
  async function liveState() {
    const app = await gitops.getApp(APPLICATION);
    const isvc = await gitops.argo.kube.must<LiveService>(
      'GET',
      `/apis/serving.kserve.io/v1beta1/namespaces/${NAMESPACE}/inferenceservices/${SERVICE}`,
    );
    const ready = isvc.status.conditions?.find((condition) => condition.type === 'Ready')?.status;
    return {
      revision: app.status?.sync?.revision,
      sync: app.status?.sync?.status,
      health: app.status?.health?.status,
      storageUri: isvc.spec.predictor.model.storageUri,
      canaryTrafficPercent: isvc.spec.predictor.canaryTrafficPercent,
      /** KServe has reconciled this generation and reports it Ready. */
      reconciled: isvc.status.observedGeneration === isvc.metadata.generation && ready === 'True',
      traffic: isvc.status.components?.predictor?.traffic?.map(({ tag, percent }) => ({ tag, percent })),
    };
  }

  /** The model version answering each of `count` requests through the gateway. */
  async function versionsServed(count: number): Promise<Record<string, number>> {
    const seen: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      const { modelVersion } = await ask(endpoint);
      seen[modelVersion] = (seen[modelVersion] ?? 0) + 1;
    }
    return seen;
  }

  beforeAll(async () => {
    const manifest = readFileSync(join(EXAMPLE_REPO, STAGING_MANIFEST), 'utf8');
    [harness, gitops, model] = await Promise.all([
      startHarness(),
      startRealGitOps({ files: { [STAGING_MANIFEST]: manifest } }),
      trainExampleModel(1.0),
    ]);
    // The example's first storageUri names a model nobody uploads: the stand-in waits for it
    // (Progressing) until a run deploys another.
    await gitops.s3.send(new CreateBucketCommand({ Bucket: ARTIFACT_BUCKET }));
    github = await FakeGitHub.start(GITHUB_TOKEN, { [EXAMPLE_REPOSITORY]: { bare: gitops.repo.bare } });
    await gitops.createApp(APPLICATION, { path: 'gitops/staging', namespace: NAMESPACE });
    const initial = gitops.repo.head();
    await gitops.waitApp(
      APPLICATION,
      (app) => app.status?.sync?.status === 'Synced' && app.status.sync.revision === initial,
      scaled(180_000),
    );
    endpoint = await gitops.kserve.whenRouted(NAMESPACE, SERVICE, scaled(60_000));
    for (const name of ['first', 'broken', 'canary', 'bad-canary'])
      uris[name] = await gitops.uploadBytes(`churn/${name}/model.joblib`, model.bytes);
    cd = cdRunner({
      harness,
      gitops: gitops.repo,
      model,
      vars: { ARGOCD_SERVER: gitops.argo.url, ENDPOINT_URL: endpoint },
      secrets: { GITOPS_TOKEN: GITHUB_TOKEN, ARGOCD_TOKEN: gitops.argo.ciToken },
      githubApiUrl: github.apiUrl,
      timeoutMs: RUN_MS,
    });
  }, scaled(420_000));

  afterAll(async () => {
    await Promise.all([harness?.stop(), github?.stop()]);
    await gitops?.stop();
  }, scaled(60_000));

  it(
    'deploys: Argo CD syncs the bump commit, KServe reports it Ready, the new model answers',
    async () => {
      const run = await cd.deploy(uris.first!, { healthy: true });
      expect(failure(run)).toMatch(/^exit 0/);
      const outputs = outputsOf(run);
      expect(outputs).toMatchObject({ 'rolled-back': 'false', 'deployed-revision': outputs['commit-sha'] });
      expect(outputs['commit-sha']).toBe(gitops.repo.head());
      expect(await liveState()).toMatchObject({
        revision: outputs['commit-sha'],
        sync: 'Synced',
        health: 'Healthy',
        storageUri: uris.first,
        reconciled: true,
      });
      await expect(ask(endpoint)).resolves.toEqual({ modelVersion: uris.first, predictions: model.predictions });
    },
    RUN_MS,
  );

  it(
    'rolls back after a failed health check: Argo CD syncs the rollback commit and the previous model serves again',
    async () => {
      const before = gitops.repo.head();
      const run = await cd.deploy(uris.broken!, { healthy: false });
      const { bump, rollback } = expectRolledBack(cd, run, before);
      expect(cd.predictorAt(bump).storageUri).toBe(uris.broken);
      expect(rollback).toBe(gitops.repo.head());
      expect(await liveState()).toMatchObject({
        revision: rollback,
        sync: 'Synced',
        health: 'Healthy',
        storageUri: uris.first,
        reconciled: true,
      });
      expect(await versionsServed(5)).toEqual({ [uris.first!]: 5 });
    },
    RUN_MS,
  );

  it(
    'promotes a healthy canary: Argo CD syncs the promotion and the gateway sends it all traffic',
    async () => {
      const run = await cd.deploy(uris.canary!, { healthy: true, canary: 25 });
      expect(failure(run)).toMatch(/^exit 0/);
      const canary = run.step('deploy', 'bump').outputs['commit-sha']!;
      const promoted = run.step('deploy', 'promote').outputs['commit-sha']!;
      expect(cd.predictorAt(canary)).toEqual({ storageUri: uris.canary, canaryTrafficPercent: 25 });
      expect(cd.parentOf(promoted)).toBe(canary);
      expect(outputsOf(run)).toMatchObject({
        'commit-sha': canary,
        'deployed-revision': promoted,
        'rolled-back': 'false',
      });
      expect(await liveState()).toMatchObject({
        revision: promoted,
        sync: 'Synced',
        health: 'Healthy',
        storageUri: uris.canary,
        canaryTrafficPercent: 100,
        reconciled: true,
        traffic: [{ tag: 'latest', percent: 100 }],
      });
      expect(await versionsServed(8)).toEqual({ [uris.canary!]: 8 });
    },
    RUN_MS,
  );

  it(
    'rolls an unhealthy canary back to 0 %: Argo CD syncs it and the previous model takes all traffic again',
    async () => {
      const run = await cd.deploy(uris['bad-canary']!, { healthy: false, canary: 25 });
      expect(failure(run)).not.toMatch(/^exit 0/);
      expect(['health', 'rollback-canary', 'rollback-wait'].map((id) => run.step('deploy', id).outcome)).toEqual([
        'failure',
        'success',
        'success',
      ]);
      expect(ran(run, 'promote')).toBe(false);
      const canary = run.step('deploy', 'bump').outputs['commit-sha']!;
      const rollback = run.step('deploy', 'rollback-canary').outputs['commit-sha']!;
      expect(cd.parentOf(rollback)).toBe(canary);
      expect(rollback).toBe(gitops.repo.head());
      expect(await liveState()).toMatchObject({
        revision: rollback,
        sync: 'Synced',
        health: 'Healthy',
        storageUri: uris['bad-canary'],
        canaryTrafficPercent: 0,
        reconciled: true,
        traffic: [
          { tag: 'prev', percent: 100 },
          { tag: 'latest', percent: 0 },
        ],
      });
      expect(await versionsServed(8)).toEqual({ [uris.canary!]: 8 });
    },
    RUN_MS,
  );
});
