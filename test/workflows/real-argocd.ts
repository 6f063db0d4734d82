import type { S3Client } from '@aws-sdk/client-s3';
import { dirname } from 'node:path';
import { readInferenceService } from '../pipeline/model-cluster.js';
import type { GitOpsRepo } from '../pipeline/gitops-repo.js';
import { realArgoCdBuild } from '../real-argocd/cluster.js';
import { createApplication, PROJECT, serveGit } from '../real-argocd/harness.js';
import { KServeStandIn } from '../real-argocd/kserve-controller.js';
import type { RealArgoCd } from '../real-argocd/stack.js';

/** What a workflow needs of one environment's Argo CD application, whichever Argo CD serves it. */
export interface ArgoCdEnvironment {
  /** argocd-server's base URL. */
  url: string;
  /** An API token allowed to get, refresh and sync the application. */
  token: string;
  application: string;
  project: string;
  /** The InferenceService's URL (its status.url): where the deployed model answers. */
  endpoint: string;
}

/** The Argo CD the example's deployments go through: the real one (test/real-argocd) or the simulator. */
export type ArgoCdTier = 'real' | 'simulator';

/** The real Argo CD tier is built and cached on this machine (test/stack/real-argocd/build.sh). */
export function realArgoCdBuilt(): boolean {
  try {
    realArgoCdBuild();
    return true;
  } catch {
    return false;
  }
}

export interface GitOpsDeployment {
  /** The GitOps folder of the environment and the manifest file in it. */
  path: string;
  manifestFile: string;
  application: string;
}

/**
 * One Application per environment in a started real Argo CD, reading the GitOps repository
 * through `git daemon`, with the KServe controller stand-in serving what it syncs from `s3`. Each
 * environment's namespace is the one its InferenceService names. Resolves once every
 * InferenceService has its gateway (the endpoint the workflows are given), before any model is
 * served: the seed manifests name models that are not in S3, so they stay Progressing until a
 * workflow deploys one, as a fresh KServe would.
 */
export async function deployThroughRealArgoCd<E extends string>(
  argo: RealArgoCd,
  options: { gitops: GitOpsRepo; s3: S3Client; deployments: Record<E, GitOpsDeployment>; timeoutMs: number },
): Promise<{ environments: Record<E, ArgoCdEnvironment>; stop(): Promise<void> }> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const kserve = new KServeStandIn(argo.kube, options.s3, (error) =>
      process.stderr.write(`[kserve stand-in] ${error.message}\n`),
    );
    await kserve.start();
    stops.push(() => kserve.stop());
    const daemon = await serveGit(dirname(options.gitops.bare));
    stops.push(() => daemon.stop());
    const repoURL = `git://127.0.0.1:${daemon.port}/gitops.git`;
    const services = {} as Record<E, { namespace: string; name: string }>;
    for (const [environment, deployment] of Object.entries(options.deployments) as [E, GitOpsDeployment][]) {
      const manifest = options.gitops.show(options.gitops.head(), `${deployment.path}/${deployment.manifestFile}`);
      if (manifest === undefined)
        throw new Error(`the GitOps repository has no ${deployment.path}/${deployment.manifestFile}`);
      const { namespace, name } = readInferenceService(manifest);
      argo.kubectl('create', 'namespace', namespace);
      await createApplication(argo, {
        name: deployment.application,
        repoURL,
        path: deployment.path,
        targetRevision: options.gitops.branch,
        namespace,
      });
      services[environment] = { namespace, name };
    }
    const environments = {} as Record<E, ArgoCdEnvironment>;
    for (const [environment, deployment] of Object.entries(options.deployments) as [E, GitOpsDeployment][]) {
      const { namespace, name } = services[environment];
      environments[environment] = {
        url: argo.url,
        token: argo.ciToken,
        application: deployment.application,
        project: PROJECT,
        endpoint: await kserve.whenRouted(namespace, name, options.timeoutMs),
      };
    }
    return { environments, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
