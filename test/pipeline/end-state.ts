import { Deadline } from '../../packages/action-kit/src/http/index.js';
import { ArgoCdClient, summarize } from '../../packages/argocd/src/index.js';
import { ask } from '../workflows/churn-model.js';
import type { ArgoCdEnvironment } from '../workflows/real-argocd.js';
import { registry } from '../workflows/registered-model.js';

export interface EnvironmentState {
  environment: string;
  application: string;
  syncStatus: string;
  healthStatus: string;
  /** The Git revision Argo CD has synced. */
  revision: string;
  /** What the endpoint answers now: the served model's version (its storage URI) and predictions. */
  served?: { modelVersion: string; predictions: number[] };
  /** Why nothing answered, when nothing did. */
  notServing?: string;
}

export interface EndState {
  /** Alias → version of the registered model. */
  aliases: Record<string, string>;
  environments: EnvironmentState[];
}

/**
 * Where the pipeline left things, read back from the peers themselves, the same way whichever
 * Argo CD deployed: MLflow's aliases, each environment's application as Argo CD reports it
 * (through the product's Argo CD client), and the model each endpoint answers with.
 */
export async function readEndState(
  trackingUri: string,
  environments: Record<string, ArgoCdEnvironment>,
): Promise<EndState> {
  const { aliases } = await registry(trackingUri);
  const states = await Promise.all(
    Object.entries(environments).map(async ([environment, argocd]): Promise<EnvironmentState> => {
      const client = new ArgoCdClient({
        server: argocd.url,
        token: argocd.token,
        deadline: Deadline.after(30_000, `reading ${argocd.application}`),
      });
      const app = summarize(await client.getApplication({ name: argocd.application, project: argocd.project }));
      const state: EnvironmentState = {
        environment,
        application: argocd.application,
        syncStatus: app.syncStatus,
        healthStatus: app.healthStatus,
        revision: app.gitRevisions[0] ?? '',
      };
      try {
        state.served = await ask(argocd.endpoint);
      } catch (error) {
        state.notServing = (error as Error).message.split('\n')[0];
      }
      return state;
    }),
  );
  return { aliases, environments: states };
}
