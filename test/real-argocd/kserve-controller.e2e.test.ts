import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { motoS3Client, startMoto } from '../helpers/moto.js';
import type { Service } from '../helpers/service.js';
import { scaled } from '../helpers/timeouts.js';
import {
  ProcessGroup,
  REAL_ARGOCD_ENABLED,
  realArgoCdBuild,
  startLoopbackCluster,
  type LoopbackCluster,
} from './cluster.js';
import {
  installInferenceServiceCrd,
  KServeStandIn,
  type InferenceServiceObject,
  type TrafficTarget,
} from './kserve-controller.js';
import { writeTinyModel } from './harness.js';

// Skipped with MLOPS_REAL_ARGOCD=0 (see REAL_ARGOCD_ENABLED).
const describeReal = REAL_ARGOCD_ENABLED ? describe : describe.skip;

// The KServe stand-in against a real kube-apiserver: each generation of an InferenceService gets
// a revision running KServe's model server on the model fetched from moto S3, the gateway splits
// traffic by canaryTrafficPercent, and status is written through the status subresource.

const ISVCS = '/apis/serving.kserve.io/v1beta1/namespaces/models/inferenceservices';
const READY_MS = scaled(120_000);

let group: ProcessGroup;
let cluster: LoopbackCluster;
let moto: Service;
let s3: S3Client;
let kserve: KServeStandIn;

interface Status {
  observedGeneration?: number;
  url?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  components?: {
    predictor?: { latestReadyRevision?: string; previousRolledoutRevision?: string; traffic?: TrafficTarget[] };
  };
  modelStatus?: { transitionStatus?: string; lastFailureInfo?: { message?: string } };
}

async function upload(key: string, label: number): Promise<string> {
  const path = join(group.home, `${key.replace(/\W/g, '-')}.joblib`);
  writeTinyModel(path, label);
  await s3.send(new PutObjectCommand({ Bucket: 'models', Key: key, Body: readFileSync(path) }));
  return `s3://models/${key}`;
}

/** Polls the object until its status satisfies `done` (deadline READY_MS). */
async function statusOf(name: string, done: (status: Status, generation: number) => boolean): Promise<Status> {
  const deadline = Date.now() + READY_MS;
  let last: InferenceServiceObject | undefined;
  while (Date.now() < deadline) {
    last = await cluster.kube.must<InferenceServiceObject>('GET', `${ISVCS}/${name}`);
    if (done((last.status ?? {}) as Status, last.metadata.generation)) return last.status as Status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name}: status never matched; last ${JSON.stringify(last?.status)}`);
}

const readyAt = (status: Status, generation: number) =>
  status.observedGeneration === generation &&
  status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** The model versions (storageUris) that answer `count` predictions through the gateway. */
async function versions(url: string, name: string, count: number): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${url}/v1/models/${name}:predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: [{ x: 1 }] }),
    });
    const version = ((await response.json()) as { model_version: string }).model_version;
    seen[version] = (seen[version] ?? 0) + 1;
  }
  return seen;
}

function isvc(name: string, storageUri: string, canaryTrafficPercent?: number) {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name, namespace: 'models' },
    spec: {
      predictor: {
        ...(canaryTrafficPercent === undefined ? {} : { canaryTrafficPercent }),
        model: { modelFormat: { name: 'sklearn' }, storageUri },
      },
    },
  };
}

const patchSpec = (name: string, predictor: Record<string, unknown>) =>
  cluster.kube.must('PATCH', `${ISVCS}/${name}`, { spec: { predictor } }, 'application/merge-patch+json');

describeReal('the KServe stand-in on a real kube-apiserver', () => {
  beforeAll(async () => {
    group = new ProcessGroup();
    moto = await startMoto();
    s3 = motoS3Client(moto);
    await s3.send(new CreateBucketCommand({ Bucket: 'models' }));
    cluster = await startLoopbackCluster(group, realArgoCdBuild(), 'models');
    cluster.kubectl('create', 'namespace', 'models');
    await installInferenceServiceCrd(cluster, group.home);
  }, scaled(180_000));

  afterAll(async () => {
    await kserve?.stop();
    await group?.stop();
    await moto?.stop();
  });

  it(
    'rolls out a canary by percent, rolls it back to 0 %, then promotes it',
    async () => {
      kserve = new KServeStandIn(cluster.kube, s3);
      await kserve.start();
      const v1 = await upload('iris/v1', 1);
      await cluster.kube.must('POST', ISVCS, isvc('iris', v1));
      const first = await statusOf('iris', readyAt);
      expect(first.components?.predictor?.latestReadyRevision).toBe('iris-predictor-00001');
      expect(first.components?.predictor?.traffic).toEqual([
        { revisionName: 'iris-predictor-00001', percent: 100, latestRevision: true, tag: 'latest' },
      ]);
      expect(first.url).toBe(kserve.url('models', 'iris'));
      expect(await versions(first.url!, 'iris', 5)).toEqual({ [v1]: 5 });

      const v2 = await upload('iris/v2', 0);
      await patchSpec('iris', {
        canaryTrafficPercent: 25,
        model: { modelFormat: { name: 'sklearn' }, storageUri: v2 },
      });
      const canary = await statusOf('iris', readyAt);
      expect(canary.components?.predictor).toMatchObject({
        latestReadyRevision: 'iris-predictor-00002',
        previousRolledoutRevision: 'iris-predictor-00001',
        traffic: [
          { revisionName: 'iris-predictor-00001', percent: 75, latestRevision: false, tag: 'prev' },
          { revisionName: 'iris-predictor-00002', percent: 25, latestRevision: true, tag: 'latest' },
        ],
      });
      // The split is exact per 100 requests, so the counts are too.
      expect(await versions(canary.url!, 'iris', 100)).toEqual({ [v1]: 75, [v2]: 25 });

      await patchSpec('iris', { canaryTrafficPercent: 0 });
      const rolledBack = await statusOf('iris', readyAt);
      expect(rolledBack.components?.predictor?.traffic?.map((t) => t.percent)).toEqual([100, 0]);
      expect(await versions(rolledBack.url!, 'iris', 10)).toEqual({ [v1]: 10 });

      await patchSpec('iris', { canaryTrafficPercent: null });
      const promoted = await statusOf('iris', readyAt);
      expect(promoted.components?.predictor?.traffic).toEqual([
        { revisionName: 'iris-predictor-00002', percent: 100, latestRevision: true, tag: 'latest' },
      ]);
      expect(await versions(promoted.url!, 'iris', 10)).toEqual({ [v2]: 10 });
    },
    scaled(300_000),
  );

  it(
    'reports a model that does not load as BlockedByFailedLoad, and a missing one as not Ready yet',
    async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'models', Key: 'broken/v1', Body: 'not a joblib file' }));
      await cluster.kube.must('POST', ISVCS, isvc('broken', 's3://models/broken/v1'));
      const failed = await statusOf('broken', (status, generation) => status.observedGeneration === generation);
      expect(failed.modelStatus?.transitionStatus).toBe('BlockedByFailedLoad');
      expect(failed.conditions).toEqual([
        expect.objectContaining({ type: 'Ready', status: 'False', reason: 'RevisionFailed' }),
      ]);

      await cluster.kube.must('POST', ISVCS, isvc('later', 's3://models/later/v1'));
      const waiting = await statusOf('later', (status) => status.modelStatus?.transitionStatus === 'InProgress');
      expect(waiting.observedGeneration).toBeUndefined();
      const uri = await upload('later/v1', 1);
      expect(uri).toBe('s3://models/later/v1');
      await statusOf('later', readyAt);
    },
    scaled(300_000),
  );
});
