import type { S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Service } from '../helpers/service.js';
import { startGateway, type Gateway } from '../pipeline/gateway.js';
import { fetchModel, ModelNotFound, startPredictor } from '../pipeline/model-cluster.js';
import { crdsEstablished, type LoopbackCluster } from './cluster.js';
import { INFERENCE_SERVICE_CRD } from './config.js';
import type { KubeClient, WatchEvent } from './kube.js';

const ISVC_API = '/apis/serving.kserve.io/v1beta1';

/** Installs the InferenceService CRD (config.ts) and waits until it is served. */
export async function installInferenceServiceCrd(cluster: LoopbackCluster, dir: string): Promise<void> {
  const file = join(dir, 'inferenceservice-crd.yaml');
  writeFileSync(file, INFERENCE_SERVICE_CRD);
  cluster.kubectl('apply', '-f', file);
  await crdsEstablished(cluster);
}

export interface InferenceServiceObject {
  metadata: { name: string; namespace: string; generation: number; resourceVersion?: string };
  spec?: { predictor?: { canaryTrafficPercent?: number; model?: { storageUri?: string } } };
  status?: Record<string, unknown>;
}

interface Revision {
  name: string;
  storageUri: string;
  predictor: Service;
  folder: string;
}

interface Served {
  /** Started on the first generation; its address is the service's status.url. */
  gateway: Promise<Gateway>;
  url?: string;
  revisions: Revision[];
  /** The generation being reconciled; a newer one abandons it. */
  generation: number;
  count: number;
}

export interface TrafficTarget {
  revisionName: string;
  percent: number;
  latestRevision: boolean;
  tag: 'prev' | 'latest';
}

/**
 * What KServe and Knative observably do for an InferenceService, against a real kube-apiserver:
 * it watches InferenceService objects, and for each new generation fetches the predictor's
 * storageUri from S3 (retrying while the object is missing, as the storage initializer does),
 * starts KServe's Python model server on it as a new revision, routes the service's gateway
 * (status.url) to it — split by canaryTrafficPercent between the previous and the new revision —
 * and writes status through the status subresource: Ready, url, observedGeneration,
 * components.predictor (latestCreatedRevision, latestReadyRevision, previousRolledoutRevision,
 * traffic) and modelStatus (BlockedByFailedLoad when the model server cannot start).
 */
export class KServeStandIn {
  private readonly served = new Map<string, Served>();
  private readonly abort = new AbortController();
  private readonly pending = new Set<Promise<void>>();
  private watching: Promise<void> | undefined;
  private resourceVersion = '';

  constructor(
    private readonly kube: KubeClient,
    private readonly s3: S3Client,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  /** Lists what exists, reconciles it, then follows the watch until stop(). */
  async start(): Promise<void> {
    const list = await this.kube.must<{ items: InferenceServiceObject[]; metadata: { resourceVersion: string } }>(
      'GET',
      `${ISVC_API}/inferenceservices`,
    );
    this.resourceVersion = list.metadata.resourceVersion;
    for (const item of list.items) this.observe(item);
    this.watching = this.follow();
  }

  /** The gateway URL of a served InferenceService. */
  url(namespace: string, name: string): string | undefined {
    return this.served.get(`${namespace}/${name}`)?.url;
  }

  /** The gateway URL of an InferenceService once the stand-in has seen it (its status.url to be). */
  async whenRouted(namespace: string, name: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const url = this.url(namespace, name);
      if (url) return url;
      if (Date.now() > deadline)
        throw new Error(`the stand-in saw no InferenceService ${namespace}/${name} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.watching?.catch(() => undefined);
    await Promise.allSettled([...this.pending]);
    for (const served of this.served.values()) {
      await (await served.gateway).stop();
      for (const revision of served.revisions) await retire(revision);
    }
    this.served.clear();
  }

  private async follow(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        await this.kube.watch<InferenceServiceObject>(
          `${ISVC_API}/inferenceservices?watch=1&allowWatchBookmarks=true&resourceVersion=${this.resourceVersion}`,
          (event) => this.onEvent(event),
          this.abort.signal,
        );
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.onError(error as Error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private onEvent(event: WatchEvent<InferenceServiceObject>): void {
    if (event.object.metadata?.resourceVersion) this.resourceVersion = event.object.metadata.resourceVersion;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') this.observe(event.object);
    if (event.type === 'DELETED') void this.forget(event.object);
  }

  private observe(isvc: InferenceServiceObject): void {
    const key = `${isvc.metadata.namespace}/${isvc.metadata.name}`;
    let served = this.served.get(key);
    if (served && served.generation >= isvc.metadata.generation) return;
    if (!served) {
      const gateway = startGateway();
      served = { gateway, revisions: [], generation: 0, count: 0 };
      const record = served;
      void gateway.then((started) => (record.url = started.url));
      this.served.set(key, served);
    }
    // Claimed now, so an older reconcile in flight sees it is superseded.
    served.generation = isvc.metadata.generation;
    const work = this.reconcile(isvc, served).catch((error: Error) => this.onError(error));
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async reconcile(isvc: InferenceServiceObject, served: Served): Promise<void> {
    const { namespace, name, generation } = isvc.metadata;
    const current = () => served.generation === generation && !this.abort.signal.aborted;
    const storageUri = isvc.spec?.predictor?.model?.storageUri ?? '';
    const canary = isvc.spec?.predictor?.canaryTrafficPercent;
    const latest = served.revisions.at(-1);

    // The same model: only the traffic changes (promote a canary, or roll it back with 0 %).
    if (latest?.storageUri === storageUri) {
      await this.route(isvc, served, canary);
      return;
    }
    const revisionName = `${name}-predictor-${String(++served.count).padStart(5, '0')}`;
    await this.writeStatus(isvc, {
      ...isvc.status,
      conditions: [condition('Ready', 'False', 'RevisionMissing', `Revision "${revisionName}" is starting`)],
      modelStatus: { transitionStatus: 'InProgress' },
    });
    const folder = mkdtempSync(join(tmpdir(), 'isvc-'));
    let predictor: Service | undefined;
    try {
      await this.fetchWhenPresent(storageUri, join(folder, 'model.joblib'), current);
      if (!current()) throw new Abandoned();
      predictor = await startPredictor(folder, { namespace, name, storageUri });
      if (!current()) throw new Abandoned();
    } catch (error) {
      await predictor?.stop();
      rmSync(folder, { recursive: true, force: true });
      if (error instanceof Abandoned || !current()) return;
      const message = `${revisionName}: ${(error as Error).message.split('\n')[0]}`;
      await this.writeStatus(isvc, {
        ...isvc.status,
        observedGeneration: generation,
        conditions: [condition('Ready', 'False', 'RevisionFailed', message)],
        modelStatus: {
          transitionStatus: 'BlockedByFailedLoad',
          lastFailureInfo: { reason: 'ModelLoadFailed', message },
        },
      });
      return;
    }
    served.revisions.push({ name: revisionName, storageUri, predictor, folder });
    await this.route(isvc, served, canary);
  }

  /** Routes the gateway by canaryTrafficPercent, retires revisions no longer routed, writes Ready. */
  private async route(isvc: InferenceServiceObject, served: Served, canary: number | undefined): Promise<void> {
    const latest = served.revisions.at(-1)!;
    const previous = served.revisions.at(-2);
    const split = previous && canary !== undefined && canary < 100;
    const traffic: TrafficTarget[] = split
      ? [
          { revisionName: previous.name, percent: 100 - canary, latestRevision: false, tag: 'prev' },
          { revisionName: latest.name, percent: canary, latestRevision: true, tag: 'latest' },
        ]
      : [{ revisionName: latest.name, percent: 100, latestRevision: true, tag: 'latest' }];
    const routed = traffic.filter((t) => t.percent > 0);
    const gateway = await served.gateway;
    gateway.split(
      routed.map((t) => ({
        upstream: served.revisions.find((r) => r.name === t.revisionName)!.predictor.url,
        percent: t.percent,
      })),
    );
    if (!split) {
      for (const old of served.revisions.slice(0, -1)) await retire(old);
      served.revisions = [latest];
    }
    await this.writeStatus(isvc, {
      observedGeneration: isvc.metadata.generation,
      url: gateway.url,
      address: { url: gateway.url },
      conditions: [condition('PredictorReady', 'True'), condition('IngressReady', 'True'), condition('Ready', 'True')],
      components: {
        predictor: {
          latestCreatedRevision: latest.name,
          latestReadyRevision: latest.name,
          ...(previous ? { previousRolledoutRevision: previous.name } : {}),
          traffic,
          url: gateway.url,
        },
      },
      modelStatus: { transitionStatus: 'UpToDate', states: { activeModelState: 'Loaded', targetModelState: 'Loaded' } },
    });
  }

  /** Waits for the model object (the storage initializer retries), while this generation is current. */
  private async fetchWhenPresent(storageUri: string, path: string, current: () => boolean): Promise<void> {
    for (;;) {
      try {
        return await fetchModel(this.s3, storageUri, path);
      } catch (error) {
        if (!(error instanceof ModelNotFound)) throw error;
        if (!current()) throw new Abandoned();
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async writeStatus(isvc: InferenceServiceObject, status: Record<string, unknown>): Promise<void> {
    const { namespace, name } = isvc.metadata;
    isvc.status = status;
    const response = await this.kube.request(
      'PATCH',
      `${ISVC_API}/namespaces/${namespace}/inferenceservices/${name}/status`,
      { status },
      'application/merge-patch+json',
    );
    // 404: deleted meanwhile, nothing to report on.
    if (response.status >= 300 && response.status !== 404) {
      throw new Error(`writing the status of ${namespace}/${name}: HTTP ${response.status}`);
    }
  }

  private async forget(isvc: InferenceServiceObject): Promise<void> {
    const key = `${isvc.metadata.namespace}/${isvc.metadata.name}`;
    const served = this.served.get(key);
    if (!served) return;
    this.served.delete(key);
    served.generation = Number.MAX_SAFE_INTEGER;
    await (await served.gateway).stop();
    for (const revision of served.revisions) await retire(revision);
  }
}

class Abandoned extends Error {}

function condition(type: string, status: 'True' | 'False' | 'Unknown', reason?: string, message?: string) {
  return {
    type,
    status,
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

async function retire(revision: Revision): Promise<void> {
  await revision.predictor.stop();
  rmSync(revision.folder, { recursive: true, force: true });
}
