import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { startMlflow, type MlflowServer } from '../helpers/mlflow.js';
import { motoS3Client, startMoto } from '../helpers/moto.js';
import type { Service } from '../helpers/service.js';
import { createGitOpsRepo, inferenceServiceManifest, type GitOpsRepo } from './gitops-repo.js';
import { startLocalArgoCd, type LocalArgoCd } from './local-argocd.js';

export const MODEL = { name: 'churn', namespace: 'models' };
export const APP_PATH = 'apps/churn';
export const MANIFEST_FILE = 'inference-service.yaml';
export const BUCKET = 'ml-models';

export interface StandIns {
  mlflow: MlflowServer;
  moto: Service;
  s3: S3Client;
  gitops: GitOpsRepo;
  argocd: LocalArgoCd;
  stop(): Promise<void>;
}

/**
 * Everything the pipeline talks to, on loopback: MLflow (SQLite), moto (S3) with the model
 * bucket, the bare GitOps repository with the churn InferenceService, and the local Argo CD that
 * serves what it syncs. Anything started is stopped again when a later start fails.
 */
export async function startStandIns(log: (line: string) => void = () => {}): Promise<StandIns> {
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await Promise.resolve(step()).catch(() => {});
    stops.length = 0;
  };
  try {
    const [mlflow, moto] = await Promise.all([
      startMlflow().then((server) => (stops.push(() => server.stop()), server)),
      startMoto().then((server) => (stops.push(() => server.stop()), server)),
    ]);
    log(`MLflow ${mlflow.url}, moto ${moto.url}`);
    const s3 = motoS3Client(moto);
    stops.push(() => s3.destroy());
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const gitops = createGitOpsRepo({
      [`${APP_PATH}/${MANIFEST_FILE}`]: inferenceServiceManifest(MODEL.name, MODEL.namespace, `s3://${BUCKET}/none`),
    });
    stops.push(() => gitops.remove());
    const argocd = await startLocalArgoCd({
      repo: gitops,
      appPath: APP_PATH,
      manifestFile: MANIFEST_FILE,
      application: MODEL.name,
      project: 'models',
      s3,
      onRollout: (event) => log(`argocd: rollout of ${event.revision.slice(0, 7)}: ${event.message}`),
    });
    stops.push(() => argocd.stop());
    log(`Argo CD ${argocd.url}, model endpoint ${argocd.endpoint}, GitOps repo ${gitops.bare}`);
    return { mlflow, moto, s3, gitops, argocd, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
