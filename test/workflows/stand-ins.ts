import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeGitHub } from '../fakes/github/server.js';
import { startMlflow, type MlflowServer } from '../helpers/mlflow.js';
import { motoEnv, motoS3Client, startMoto } from '../helpers/moto.js';
import { repoRoot } from '../helpers/paths.js';
import type { Service } from '../helpers/service.js';
import { createGitOpsRepo, type GitOpsRepo } from '../pipeline/gitops-repo.js';
import { startLocalArgoCd, type LocalArgoCd } from '../pipeline/local-argocd.js';

export const EXAMPLE_REPO = join(repoRoot, 'examples', 'model-repo');
/** github.repository of the example's runs: its callers deploy to their own gitops/ folder. */
export const EXAMPLE_REPOSITORY = 'your-org/model-repo';
/** The bucket the example's storage-uri-template points at (MLflow's artifacts). */
export const ARTIFACT_BUCKET = 'your-org-mlflow-artifacts';
/** The example's DVC remote (examples/model-repo/.dvc/config). */
export const DVC_BUCKET = 'your-org-ml-data';
/** The stack environment with the example's pinned runtime (test/stack/requirements/model-repo.txt). */
export const MODEL_REPO_ENV = 'model-repo';
export const ENVIRONMENTS = ['staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
const GITHUB_TOKEN = 'ghs_workflow-tests-gitops-token';

export interface ExampleStandIns {
  moto: Service;
  s3: S3Client;
  mlflow?: MlflowServer;
  gitops: GitOpsRepo;
  github: FakeGitHub;
  /** One local Argo CD (with its model endpoint) per environment of the example. */
  argocd: Record<Environment, LocalArgoCd>;
  /**
   * The example callers' vars for a run that deploys to `environment`. On GitHub, ARGOCD_SERVER
   * would be scoped to each environment; act models no environments (no such field in its Job,
   * pkg/model/workflow.go), so each run gets the vars of the environment it deploys to.
   */
  vars(environment: Environment): Record<string, string>;
  secrets: Record<string, string>;
  /** Runner environment: the AWS SDKs and DVC reach moto. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Everything the example repository's workflows talk to, on loopback: moto (S3 and STS) with
 * the artifact and DVC buckets, optionally MLflow, the example's gitops/ folder in a bare
 * repository behind the fake GitHub API, and a local Argo CD per environment serving what it
 * syncs. Anything started is stopped again when a later start fails.
 */
export async function startExampleStandIns(
  options: {
    mlflow?: boolean;
    /** MLflow keeps its artifacts in ARTIFACT_BUCKET on moto, where the example's storage URIs point. */
    artifactsInS3?: boolean;
  } = {},
): Promise<ExampleStandIns> {
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await Promise.resolve(step()).catch(() => {});
    stops.length = 0;
  };
  try {
    const track = <T extends { stop(): Promise<void> }>(server: T) => (stops.push(() => server.stop()), server);
    const motoStarted = startMoto().then(track);
    // With its artifacts in S3, MLflow needs moto's address; otherwise both start at once.
    const mlflowStarted = !options.mlflow
      ? undefined
      : options.artifactsInS3
        ? motoStarted.then((moto) =>
            startMlflow({
              artifacts: {
                destination: `s3://${ARTIFACT_BUCKET}`,
                env: { ...motoEnv(moto), MLFLOW_S3_ENDPOINT_URL: moto.url },
                venv: MODEL_REPO_ENV,
              },
            }),
          )
        : startMlflow();
    const [moto, mlflow] = await Promise.all([motoStarted, mlflowStarted?.then(track)]);
    const s3 = motoS3Client(moto);
    stops.push(() => s3.destroy());
    for (const bucket of [ARTIFACT_BUCKET, DVC_BUCKET]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const manifests = Object.fromEntries(
      ENVIRONMENTS.map((name) => {
        const path = `gitops/${name}/churn.yaml`;
        return [path, readFileSync(join(EXAMPLE_REPO, path), 'utf8')];
      }),
    );
    const gitops = createGitOpsRepo(manifests);
    stops.push(() => gitops.remove());
    const github = await FakeGitHub.start(GITHUB_TOKEN, { [EXAMPLE_REPOSITORY]: { bare: gitops.bare } });
    stops.push(() => github.stop());
    const argocd = {} as Record<Environment, LocalArgoCd>;
    for (const name of ENVIRONMENTS) {
      argocd[name] = await startLocalArgoCd({
        repo: gitops,
        appPath: `gitops/${name}`,
        manifestFile: 'churn.yaml',
        application: `churn-${name}`,
        project: 'default',
        s3,
        pollingIntervalMs: 2_000,
      });
      stops.push(() => argocd[name].stop());
    }
    return {
      moto,
      s3,
      mlflow,
      gitops,
      github,
      argocd,
      vars: (environment) => ({
        ARGOCD_SERVER: argocd[environment].url,
        ENDPOINT_URL: argocd[environment].endpoint,
        STAGING_ENDPOINT_URL: argocd.staging.endpoint,
        PRODUCTION_ENDPOINT_URL: argocd.production.endpoint,
        ...(mlflow ? { MLFLOW_TRACKING_URI: mlflow.url } : {}),
        AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/model-repo-ct',
      }),
      secrets: { GITOPS_TOKEN: GITHUB_TOKEN, ARGOCD_TOKEN: argocd.staging.token },
      env: motoEnv(moto),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
