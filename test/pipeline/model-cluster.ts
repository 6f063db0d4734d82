import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { ApplyOutcome, ClusterState, LiveResource } from '../fakes/argocd/cluster.js';
import { startKServeScript } from '../helpers/kserve.js';
import { repoRoot, venvBin } from '../helpers/paths.js';
import type { Service } from '../helpers/service.js';
import type { Gateway } from './gateway.js';

const SKLEARN_SERVER = join(repoRoot, 'test', 'fixtures', 'kserve', 'sklearn_server.py');
const MLFLOW_TO_JOBLIB = join(repoRoot, 'test', 'fixtures', 'kserve', 'mlflow_to_joblib.py');

export interface InferenceServiceSpec {
  namespace: string;
  name: string;
  storageUri: string;
}

/** The InferenceService in a manifest file, with its predictor's storageUri. */
export function readInferenceService(text: string): InferenceServiceSpec {
  for (const document of parseAllDocuments(text)) {
    const object = document.toJS() as {
      kind?: string;
      metadata?: { name?: string; namespace?: string };
      spec?: { predictor?: { model?: { storageUri?: string } } };
    } | null;
    if (object?.kind !== 'InferenceService') continue;
    const storageUri = object.spec?.predictor?.model?.storageUri;
    if (!object.metadata?.name || !storageUri) break;
    return { namespace: object.metadata.namespace ?? 'default', name: object.metadata.name, storageUri };
  }
  throw new Error('the manifest holds no InferenceService with spec.predictor.model.storageUri');
}

type Phase = 'Progressing' | 'Healthy' | 'Degraded' | 'Missing';

interface Deployment {
  revision: string;
  manifests: string;
  generation: number;
  readyGeneration: number;
  phase: Phase;
  message?: string;
  service?: InferenceServiceSpec;
}

export interface Served {
  storageUri: string;
  revision: string;
  predictorUrl: string;
}

/**
 * The cluster side of the local Argo CD: applying a revision reads its InferenceService, fetches
 * the model at storageUri from S3 (what KServe's storage initializer does), starts a new predictor
 * with it (KServe's Python model server with its scikit-learn model), moves the gateway to it once it is
 * ready and stops the old one. Health follows the rollout: Progressing, then Healthy or Degraded.
 */
export class ModelServingCluster implements ClusterState {
  private readonly deployments = new Map<string, Deployment>();
  private predictor: { service: Service; folder: string; served: Served } | undefined;
  private rollout = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      /** The manifest file at a commit. */
      readManifest: (revision: string) => string | undefined;
      s3: S3Client;
      gateway: Gateway;
      /** Called after each rollout, with its outcome. */
      onRollout?: (event: { revision: string; ok: boolean; message: string }) => void;
    },
  ) {}

  /** What the predictor behind the gateway serves now. */
  served(): Served | undefined {
    return this.predictor?.served;
  }

  seed(appKey: string, revision: string, manifests: string): void {
    this.deployments.set(appKey, {
      revision,
      manifests,
      generation: 1,
      readyGeneration: 1,
      phase: 'Missing',
      message: 'no model has been deployed yet',
    });
  }

  apply(appKey: string, revision: string, manifests: string): ApplyOutcome {
    const text = this.options.readManifest(revision);
    if (text === undefined) return { ok: false, message: `the manifest is missing at ${revision}` };
    let service: InferenceServiceSpec;
    try {
      service = readInferenceService(text);
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    const previous = this.deployments.get(appKey);
    if (previous?.manifests === manifests) {
      previous.revision = revision;
      return { ok: true, message: 'successfully synced (no changes)' };
    }
    const deployment: Deployment = {
      revision,
      manifests,
      generation: (previous?.generation ?? 0) + 1,
      readyGeneration: previous?.readyGeneration ?? 0,
      phase: 'Progressing',
      message: `fetching ${service.storageUri} and starting the predictor`,
      service,
    };
    this.deployments.set(appKey, deployment);
    const started = this.roll(deployment, service, ++this.rollout);
    this.pending.add(started);
    void started.finally(() => this.pending.delete(started));
    return { ok: true, message: 'successfully synced (all tasks run)' };
  }

  applied(appKey: string): string | undefined {
    return this.deployments.get(appKey)?.manifests;
  }

  health(appKey: string): { status: string; message?: string } {
    const deployment = this.deployments.get(appKey);
    if (!deployment) return { status: 'Missing' };
    return { status: deployment.phase, message: deployment.phase === 'Healthy' ? undefined : deployment.message };
  }

  resources(appKey: string): LiveResource[] {
    const deployment = this.deployments.get(appKey);
    if (!deployment?.service) return [];
    const { namespace, name } = deployment.service;
    const ready = deployment.phase === 'Healthy';
    return [
      {
        group: 'serving.kserve.io',
        version: 'v1beta1',
        kind: 'InferenceService',
        namespace,
        name,
        health: this.health(appKey),
        manifest: {
          apiVersion: 'serving.kserve.io/v1beta1',
          kind: 'InferenceService',
          metadata: { name, namespace, generation: deployment.generation },
          status: {
            observedGeneration: deployment.readyGeneration,
            url: this.options.gateway.url,
            conditions: [
              ready
                ? { type: 'Ready', status: 'True' }
                : { type: 'Ready', status: 'False', reason: deployment.phase, message: deployment.message },
            ],
          },
        },
      },
    ];
  }

  /** Stops the predictor and waits for any rollout in flight. */
  async stop(): Promise<void> {
    this.rollout++;
    await Promise.allSettled([...this.pending]);
    this.options.gateway.route(undefined);
    await this.retire(this.predictor);
    this.predictor = undefined;
  }

  private async roll(deployment: Deployment, spec: InferenceServiceSpec, id: number): Promise<void> {
    const folder = mkdtempSync(join(tmpdir(), 'predictor-'));
    let service: Service | undefined;
    try {
      await fetchModel(this.options.s3, spec.storageUri, join(folder, 'model.joblib'));
      service = await startPredictor(folder, spec);
      if (id !== this.rollout) throw new Error('superseded by a newer rollout');
      const old = this.predictor;
      this.predictor = {
        service,
        folder,
        served: { storageUri: spec.storageUri, revision: deployment.revision, predictorUrl: service.url },
      };
      this.options.gateway.route(service.url);
      deployment.phase = 'Healthy';
      deployment.message = undefined;
      deployment.readyGeneration = deployment.generation;
      this.options.onRollout?.({ revision: deployment.revision, ok: true, message: `serving ${spec.storageUri}` });
      await this.retire(old);
    } catch (error) {
      await service?.stop();
      rmSync(folder, { recursive: true, force: true });
      if (id !== this.rollout) return;
      deployment.phase = 'Degraded';
      deployment.message = `predictor failed: ${(error as Error).message.split('\n')[0]}`;
      this.options.onRollout?.({ revision: deployment.revision, ok: false, message: deployment.message });
    }
  }

  private async retire(predictor: ModelServingCluster['predictor']): Promise<void> {
    if (!predictor) return;
    await predictor.service.stop();
    rmSync(predictor.folder, { recursive: true, force: true });
  }
}

/** No object and no MLflow model folder at a storageUri (yet: the storage initializer retries). */
export class ModelNotFound extends Error {}

/**
 * What KServe's storage initializer does: storageUri is either the model file itself, or a
 * folder (a prefix) holding an MLflow model (MLmodel), which is converted to model.joblib.
 */
export async function fetchModel(s3: S3Client, storageUri: string, path: string): Promise<void> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(storageUri);
  if (!match) throw new Error(`storageUri ${storageUri} is not an s3://bucket/key URI`);
  const [, bucket, key] = match as unknown as [string, string, string];
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    writeFileSync(path, await object.Body!.transformToByteArray());
    return;
  } catch (error) {
    if (!(error instanceof NoSuchKey)) throw error;
  }
  const prefix = `${key.replace(/\/$/, '')}/`;
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const keys = (listed.Contents ?? []).map((object) => object.Key!);
  if (!keys.includes(`${prefix}MLmodel`))
    throw new ModelNotFound(
      `the specified key does not exist: ${storageUri} is neither a model file nor an MLflow model folder`,
    );
  const folder = join(dirname(path), 'mlflow-model');
  for (const objectKey of keys) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }));
    const target = join(folder, objectKey.slice(prefix.length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, await object.Body!.transformToByteArray());
  }
  await promisify(execFile)(venvBin('mlflow', 'python'), [MLFLOW_TO_JOBLIB, folder, path], {
    env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' },
  });
}

/**
 * KServe's Python model server over `folder`/model.joblib (test/fixtures/kserve/sklearn_server.py,
 * KServe's scikit-learn server), on loopback; the model reports the storageUri as its version, so
 * every answer says which artifact produced it.
 */
export function startPredictor(folder: string, spec: InferenceServiceSpec): Promise<Service> {
  return startKServeScript({
    name: `predictor ${spec.name}`,
    script: SKLEARN_SERVER,
    args: ['--model_dir', folder, '--model_name', spec.name, '--model_version', spec.storageUri],
    readyPath: `/v2/models/${spec.name}/ready`,
  });
}
