import { describe, expect, it } from '@jest/globals';
import { memoryLogger } from '@mlops-actions/action-kit/logger';
import type { ArgoCdClient, LiveResourceRef } from '../src/client.js';
import { degradedResources } from '../src/report.js';
import type { Application, ResourceTree } from '../src/types.js';
import { Waiter, type WaitResult } from '../src/wait.js';

// What a failed or timed-out wait reports must be what is true when it reports, and each object
// is listed once in degraded-resources.

const OURS = 'a'.repeat(40);

function app(rv: number, health: string, resources: NonNullable<Application['status']>['resources']): Application {
  return {
    metadata: { name: 'iris', namespace: 'argocd', resourceVersion: String(rv) },
    spec: { source: { repoURL: 'https://git/x.git' }, syncPolicy: { automated: {} } },
    status: { sync: { status: 'Synced', revision: OURS }, health: { status: health }, resources },
  };
}

function inferenceService(generation: number, observedGeneration: number, ready: string, message?: string) {
  return {
    metadata: { name: 'iris', namespace: 'models', generation },
    status: { observedGeneration, conditions: [{ type: 'Ready', status: ready, message }] },
  };
}

/** Argo CD as the waiter sees it: the application by poll, the tree and the live object by request. */
class ScriptedArgoCd {
  application: Application;
  live: Record<string, unknown>;
  liveReads = 0;
  constructor(application: Application, live: Record<string, unknown>) {
    this.application = application;
    this.live = live;
  }
  async getApplication(): Promise<Application> {
    return this.application;
  }
  async resourceTree(): Promise<ResourceTree> {
    // Argo CD's own health of an InferenceService reads Ready, not the generation: it stays Healthy.
    return {
      nodes: [
        {
          group: 'serving.kserve.io',
          kind: 'InferenceService',
          namespace: 'models',
          name: 'iris',
          health: { status: 'Healthy' },
        },
      ],
    };
  }
  async liveResource(_app: unknown, _resource: LiveResourceRef): Promise<Record<string, unknown>> {
    this.liveReads++;
    return this.live;
  }
  // eslint-disable-next-line require-yield
  async *watch(): AsyncGenerator<never> {
    return;
  }
}

describe('the verdict reports the state at the moment it is given', () => {
  it('a timeout quotes the InferenceService as it is at the deadline, not at the last check', async () => {
    const healthy = app(1, 'Healthy', [
      { kind: 'InferenceService', namespace: 'models', name: 'iris', health: { status: 'Healthy' } },
    ]);
    const argocd = new ScriptedArgoCd(healthy, inferenceService(5, 4, 'True'));
    const waiter = new Waiter(
      argocd as unknown as ArgoCdClient,
      {
        app: { name: 'iris' },
        expectation: {
          revision: OURS,
          health: 'healthy',
          superseded: 'warn',
          comparisonErrorGraceMs: 60_000,
          resources: [{ kind: 'InferenceService', name: 'iris' }],
        },
        pollIntervalMs: 10,
        timeoutMs: 1_000,
        refresh: 'none',
        refreshTimeoutMs: 1_000,
        sync: 'never',
        stream: false,
        logger: memoryLogger(),
      },
      healthy,
    );
    const running = waiter.run();
    // The first check saw generation 4 pending; then the app turns Progressing (its predictor
    // Deployment rolls), the per-resource check stops, and KServe reconciles generation 5 and fails.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (argocd.liveReads === 0) return;
        clearInterval(poll);
        argocd.application = app(2, 'Progressing', [
          { kind: 'InferenceService', namespace: 'models', name: 'iris', health: { status: 'Healthy' } },
          { kind: 'Deployment', namespace: 'models', name: 'iris-predictor', health: { status: 'Progressing' } },
        ]);
        argocd.live = inferenceService(5, 5, 'False', 'RevisionMissing: the predictor pods crash');
        resolve();
      }, 5);
    });
    const result = await running;
    expect(result.outcome).toBe('timed-out');
    const listed = degradedResources(result);
    expect(listed).toEqual([
      { kind: 'Deployment', namespace: 'models', name: 'iris-predictor', health: 'Progressing' },
      {
        kind: 'InferenceService',
        name: 'iris',
        health: 'Progressing',
        message: 'Ready is False: RevisionMissing: the predictor pods crash',
      },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/observedGeneration 4/);
  });

  it('degraded-resources lists an object once, whether the tree names its namespace and the selector does not', () => {
    const result = {
      app: app(3, 'Progressing', [
        {
          kind: 'InferenceService',
          namespace: 'models',
          name: 'iris',
          health: { status: 'Progressing', message: 'Waiting for ready' },
        },
      ]),
      resourceChecks: [
        {
          selector: { kind: 'InferenceService', name: 'iris' },
          healthy: false,
          health: 'Progressing',
          message: 'Ready is False: RevisionMissing',
        },
      ],
    } as unknown as WaitResult;
    expect(degradedResources(result)).toEqual([
      {
        kind: 'InferenceService',
        namespace: 'models',
        name: 'iris',
        health: 'Progressing',
        message: 'Ready is False: RevisionMissing',
      },
    ]);
  });
});
