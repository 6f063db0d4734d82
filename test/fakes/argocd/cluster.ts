/**
 * The cluster side of the simulator: applies rendered manifests and reports health. A later
 * local reconciler can implement it by restarting a real model server.
 */
export interface LiveResource {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  health: { status: string; message?: string };
  manifest: Record<string, unknown>;
}

export interface ApplyOutcome {
  ok: boolean;
  message: string;
}

export interface ClusterState {
  apply(appKey: string, revision: string, manifests: string, now: number): ApplyOutcome;
  /** Starts an app as already deployed (the state before the pipeline runs). */
  seed(appKey: string, revision: string, manifests: string, at: number): void;
  /** Manifests last applied for the app (undefined before the first sync). */
  applied(appKey: string): string | undefined;
  health(appKey: string, now: number): { status: string; message?: string };
  resources(appKey: string, now: number): LiveResource[];
}

/** How the cluster reacts to one set of manifests. */
export interface RolloutPlan {
  /** The sync fails with this message. */
  syncFails?: string;
  /** Progressing for this long (simulated ms) after the apply. Default 0. */
  progressingMs?: number;
  /** Health once settled. Default Healthy. */
  settlesTo?: 'Healthy' | 'Degraded' | 'Suspended' | 'Missing';
  message?: string;
  /**
   * KServe lag: the InferenceService keeps status.observedGeneration at the previous generation
   * (with a stale Ready=True that Argo CD's health check reads as Healthy) for this long.
   */
  inferenceServiceLagMs?: number;
}

export interface ResourceSpec {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

interface Deployment {
  revision: string;
  manifests: string;
  appliedAt: number;
  generation: number;
}

/** A cluster whose reaction to each set of manifests is scripted by the test. */
export class ScriptedCluster implements ClusterState {
  private readonly plans = new Map<string, RolloutPlan>();
  private readonly deployed = new Map<string, Deployment>();
  defaultPlan: RolloutPlan = {};

  constructor(private readonly resourceSpecs: ResourceSpec[]) {}

  plan(manifests: string, plan: RolloutPlan): void {
    this.plans.set(manifests, plan);
  }

  /** Starts an app as already deployed (the state before the pipeline runs). */
  seed(appKey: string, revision: string, manifests: string, at: number): void {
    this.deployed.set(appKey, { revision, manifests, appliedAt: at - 3_600_000, generation: 1 });
  }

  apply(appKey: string, revision: string, manifests: string, now: number): ApplyOutcome {
    const plan = this.planFor(manifests);
    if (plan.syncFails) return { ok: false, message: plan.syncFails };
    const previous = this.deployed.get(appKey);
    const changed = previous?.manifests !== manifests;
    this.deployed.set(appKey, {
      revision,
      manifests,
      appliedAt: changed ? now : previous!.appliedAt,
      generation: (previous?.generation ?? 0) + (changed ? 1 : 0),
    });
    return { ok: true, message: 'successfully synced (all tasks run)' };
  }

  applied(appKey: string): string | undefined {
    return this.deployed.get(appKey)?.manifests;
  }

  health(appKey: string, now: number): { status: string; message?: string } {
    const deployment = this.deployed.get(appKey);
    if (!deployment) return { status: 'Missing' };
    const plan = this.planFor(deployment.manifests);
    if (now - deployment.appliedAt < (plan.progressingMs ?? 0)) {
      return {
        status: 'Progressing',
        message: 'Waiting for rollout to finish: 0 of 1 updated replicas are available...',
      };
    }
    const status = plan.settlesTo ?? 'Healthy';
    return { status, message: status === 'Healthy' ? undefined : plan.message };
  }

  resources(appKey: string, now: number): LiveResource[] {
    const deployment = this.deployed.get(appKey);
    if (!deployment) return [];
    const health = this.health(appKey, now);
    const plan = this.planFor(deployment.manifests);
    const settled = now - deployment.appliedAt >= (plan.inferenceServiceLagMs ?? 0);
    return this.resourceSpecs.map((spec) => {
      const manifest: Record<string, unknown> = {
        apiVersion: `${spec.group ? `${spec.group}/` : ''}${spec.version}`,
        kind: spec.kind,
        metadata: { name: spec.name, namespace: spec.namespace, generation: deployment.generation },
      };
      if (spec.kind === 'InferenceService') {
        manifest.status = {
          observedGeneration: settled ? deployment.generation : deployment.generation - 1,
          conditions: [{ type: 'Ready', status: 'True' }],
        };
      }
      return { ...spec, health, manifest };
    });
  }

  private planFor(manifests: string): RolloutPlan {
    return this.plans.get(manifests) ?? this.defaultPlan;
  }
}
