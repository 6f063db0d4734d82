import type { S3Client } from '@aws-sdk/client-s3';
import { SimClock } from '../fakes/argocd/clock.js';
import { ArgoCdController } from '../fakes/argocd/controller.js';
import { TOKENS } from '../fakes/argocd/index.js';
import { ArgoCdApiServer } from '../fakes/argocd/server.js';
import { startGateway, type Gateway } from './gateway.js';
import { BareRepoGit, type GitOpsRepo } from './gitops-repo.js';
import { ModelServingCluster } from './model-cluster.js';

export interface LocalArgoCd {
  url: string;
  /** A token allowed to get and sync every application. */
  token: string;
  application: string;
  project: string;
  /** The model endpoint (the InferenceService's status.url). */
  endpoint: string;
  cluster: ModelServingCluster;
  controller: ArgoCdController;
  stop(): Promise<void>;
}

export interface LocalArgoCdOptions {
  repo: GitOpsRepo;
  /** The app's folder in the GitOps repository, and the manifest file in it. */
  appPath: string;
  manifestFile: string;
  application: string;
  project: string;
  s3: S3Client;
  /** Git polling interval in ms (Argo CD's timeout.reconciliation). Default 10 s. */
  pollingIntervalMs?: number;
  onRollout?: (event: { revision: string; ok: boolean; message: string }) => void;
}

/**
 * The Argo CD simulator's controller and API server, unchanged, over a real bare Git repository
 * and a cluster that really serves the model: an auto-synced application whose sync (re)starts
 * the predictor. Time is real (scale 1).
 */
export async function startLocalArgoCd(options: LocalArgoCdOptions): Promise<LocalArgoCd> {
  const gateway: Gateway = await startGateway();
  const cluster = new ModelServingCluster({
    readManifest: (revision) => options.repo.show(revision, `${options.appPath}/${options.manifestFile}`),
    s3: options.s3,
    gateway,
    onRollout: options.onRollout,
  });
  const controller = new ArgoCdController(new BareRepoGit(options.repo, options.appPath), cluster, new SimClock(1), {
    pollingIntervalMs: options.pollingIntervalMs ?? 10_000,
  });
  const server = new ArgoCdApiServer(controller, {
    tokens: { [TOKENS.ci]: { username: 'ci', policies: ['*/get', '*/sync'] } },
  });
  let url: string;
  try {
    url = await server.listen();
  } catch (error) {
    await gateway.stop();
    throw error;
  }
  const record = controller.addApp({
    name: options.application,
    project: options.project,
    source: { repoURL: options.repo.url, path: options.appPath, targetRevision: options.repo.branch },
    automated: true,
  });
  controller.seedDeployed(record);
  const ticker = setInterval(() => controller.tick(), 20);
  return {
    url,
    token: TOKENS.ci,
    application: options.application,
    project: options.project,
    endpoint: gateway.url,
    cluster,
    controller,
    async stop() {
      clearInterval(ticker);
      await server.close();
      await cluster.stop();
      await gateway.stop();
    },
  };
}
