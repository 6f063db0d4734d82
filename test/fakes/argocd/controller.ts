import type { ClusterState } from './cluster.js';
import type { SimClock } from './clock.js';
import type { GitSource } from './git.js';

/**
 * The application controller of the simulator: Git polling, user refreshes, auto-sync, sync
 * operations with phases, health from the cluster, and a resourceVersion on every change. It
 * follows the behaviours listed in shared/reference/argocd.md (see the notes on each method).
 */
export interface SourceSpec {
  repoURL: string;
  path?: string;
  targetRevision?: string;
  chart?: string;
  ref?: string;
}

export interface AppSpec {
  name: string;
  namespace?: string;
  project?: string;
  source?: SourceSpec;
  sources?: SourceSpec[];
  automated?: boolean;
}

export interface OperationStateRecord {
  phase: string;
  message: string;
  startedAt: string;
  finishedAt?: string;
  operation: {
    sync: { revision?: string; revisions?: string[] };
    initiatedBy: { username?: string; automated?: boolean };
  };
  syncResult?: {
    revision?: string;
    revisions?: string[];
    resources?: { kind: string; name: string; status: string; message: string }[];
  };
  retryCount: number;
}

interface Condition {
  type: string;
  message: string;
  lastTransitionTime: string;
}

export interface AppRecord {
  spec: AppSpec;
  key: string;
  resourceVersion: number;
  annotations: Record<string, string>;
  operation?: {
    sync: { revision?: string; revisions?: string[] };
    initiatedBy: { username?: string; automated?: boolean };
  };
  operationState?: OperationStateRecord;
  operationEndsAt?: number;
  terminating?: boolean;
  syncStatus: string;
  revisions: string[];
  reconciledAt?: string;
  conditions: Condition[];
  health: { status: string; message?: string };
  nextPollAt: number;
  refreshSeenAt?: number;
  failedAutoSyncRevision?: string;
  /** A scripted repo-server failure: every comparison fails with this message until cleared. */
  comparisonError?: string;
  invalidSpec?: string;
  deleted?: boolean;
}

export interface ControllerOptions {
  /** Git polling interval (timeout.reconciliation), simulated ms. Default 180 s (Argo CD 2.x). */
  pollingIntervalMs?: number;
  /** How long the controller takes to pick up a refresh annotation, simulated ms. Default 50. */
  refreshDelayMs?: number;
  /** How long a sync operation runs, simulated ms. Default 100. */
  syncDurationMs?: number;
  /**
   * How often a failed automated sync is retried before it ends Failed. Default 5: Argo CD 3.x
   * gives an automated operation `retry.limit: 5` when the app sets no retry policy, and retries
   * after 5 s, 10 s, 20 s… (backoff factor 2, at most 3 min), phase Running meanwhile.
   */
  autoSyncRetryLimit?: number;
}

const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 180_000;

export const DEFAULT_NAMESPACE = 'argocd';

export class ArgoCdController {
  readonly apps = new Map<string, AppRecord>();
  private version = 1000;
  private readonly listeners = new Set<(app: AppRecord) => void>();
  private readonly options: Required<ControllerOptions>;

  constructor(
    readonly git: GitSource,
    readonly cluster: ClusterState,
    readonly clock: SimClock,
    options: ControllerOptions = {},
  ) {
    this.options = {
      pollingIntervalMs: 180_000,
      refreshDelayMs: 50,
      syncDurationMs: 100,
      autoSyncRetryLimit: 5,
      ...options,
    };
  }

  get pollingIntervalMs(): number {
    return this.options.pollingIntervalMs;
  }

  static key(name: string, namespace = DEFAULT_NAMESPACE): string {
    return `${namespace}/${name}`;
  }

  /** Adds an app already compared and reconciled at the current Git heads. */
  addApp(spec: AppSpec): AppRecord {
    const key = ArgoCdController.key(spec.name, spec.namespace);
    const record: AppRecord = {
      spec: { project: 'default', namespace: DEFAULT_NAMESPACE, ...spec },
      key,
      resourceVersion: 0,
      annotations: {},
      syncStatus: 'Unknown',
      revisions: [],
      conditions: [],
      health: { status: 'Unknown' },
      nextPollAt: this.clock.now() + this.options.pollingIntervalMs,
    };
    this.apps.set(key, record);
    this.compare(record);
    this.updateHealth(record, this.clock.now());
    this.changed(record);
    return record;
  }

  /** Puts the current desired state into the cluster, as if synced long ago. */
  seedDeployed(record: AppRecord): void {
    this.compare(record);
    this.cluster.seed(record.key, record.revisions.join(','), this.desiredManifests(record), this.clock.now());
    this.compare(record);
    this.updateHealth(record, this.clock.now());
    this.changed(record);
  }

  get(name: string, namespace = DEFAULT_NAMESPACE): AppRecord | undefined {
    const record = this.apps.get(ArgoCdController.key(name, namespace));
    return record?.deleted ? undefined : record;
  }

  onChange(listener: (app: AppRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(record: AppRecord): void {
    record.resourceVersion = ++this.version;
    for (const listener of this.listeners) listener(record);
  }

  /** The API server's refresh: annotate; the controller acts on it a little later. */
  requestRefresh(record: AppRecord, kind: 'normal' | 'hard'): void {
    record.annotations['argocd.argoproj.io/refresh'] = kind;
    record.refreshSeenAt = this.clock.now();
    this.changed(record);
  }

  requestSync(record: AppRecord, revision: string | undefined, username: string): void {
    record.operation = { sync: { revision }, initiatedBy: { username } };
    this.changed(record);
  }

  terminate(record: AppRecord): void {
    record.terminating = true;
    if (record.operationState) record.operationState.phase = 'Terminating';
    this.changed(record);
  }

  deleteApp(record: AppRecord): void {
    record.deleted = true;
    this.changed(record);
  }

  /** One reconciliation pass over every app. */
  tick(): void {
    const now = this.clock.now();
    for (const record of this.apps.values()) {
      if (record.deleted) continue;
      let dirty = false;
      const refresh = record.annotations['argocd.argoproj.io/refresh'];
      if (refresh && now - (record.refreshSeenAt ?? now) >= this.options.refreshDelayMs) {
        this.compare(record);
        delete record.annotations['argocd.argoproj.io/refresh'];
        record.nextPollAt = now + this.options.pollingIntervalMs;
        dirty = true;
      } else if (now >= record.nextPollAt) {
        this.compare(record);
        record.nextPollAt = now + this.options.pollingIntervalMs;
        dirty = true;
      }
      dirty = this.runOperation(record, now) || dirty;
      dirty = this.autoSync(record) || dirty;
      dirty = this.updateHealth(record, now) || dirty;
      if (dirty) this.changed(record);
    }
  }

  /** Resolves each Git source's target revision and compares it with what the cluster runs. */
  private compare(record: AppRecord): void {
    const now = this.clock.now();
    record.reconciledAt = this.clock.iso(now);
    record.conditions = record.conditions.filter((c) => c.type !== 'ComparisonError' && c.type !== 'InvalidSpecError');
    // Either error leaves the last known revision in place, with sync status Unknown.
    const blocking = record.invalidSpec
      ? { type: 'InvalidSpecError', message: record.invalidSpec }
      : record.comparisonError
        ? { type: 'ComparisonError', message: record.comparisonError }
        : undefined;
    if (blocking) {
      record.conditions.push({ ...blocking, lastTransitionTime: this.clock.iso(now) });
      record.syncStatus = 'Unknown';
      return;
    }
    const sources = this.sources(record);
    record.revisions = sources.map((source) =>
      source.chart
        ? (source.targetRevision ?? '')
        : (this.git.resolve(source.repoURL, source.targetRevision ?? 'HEAD') ?? ''),
    );
    const desired = this.desiredManifests(record);
    record.syncStatus = this.cluster.applied(record.key) === desired ? 'Synced' : 'OutOfSync';
    if (record.failedAutoSyncRevision && record.failedAutoSyncRevision !== record.revisions.join(',')) {
      record.conditions = record.conditions.filter((c) => c.type !== 'SyncError');
      record.failedAutoSyncRevision = undefined;
    }
  }

  private sources(record: AppRecord): SourceSpec[] {
    return record.spec.sources ?? (record.spec.source ? [record.spec.source] : []);
  }

  private desiredManifests(record: AppRecord, revisions = record.revisions): string {
    return this.sources(record)
      .map((source, index) =>
        source.chart
          ? `${source.chart}@${revisions[index]}`
          : this.git.manifests(source.repoURL, revisions[index] ?? ''),
      )
      .join('|');
  }

  /** Auto-sync skips while an operation runs, when Synced, and after a failed attempt at the same revision. */
  private autoSync(record: AppRecord): boolean {
    if (!record.spec.automated || record.operation || record.syncStatus !== 'OutOfSync') return false;
    if (record.operationState && !record.operationState.finishedAt) return false;
    const revisions = record.revisions.join(',');
    if (record.failedAutoSyncRevision === revisions) return false;
    record.operation = {
      sync: record.spec.sources ? { revisions: [...record.revisions] } : { revision: record.revisions[0] },
      initiatedBy: { automated: true },
    };
    return true;
  }

  private runOperation(record: AppRecord, now: number): boolean {
    if (record.operation && (!record.operationState || record.operationState.finishedAt)) {
      const requested = record.operation;
      const revisions = requested.sync.revisions ?? [requested.sync.revision ?? record.revisions[0] ?? ''];
      record.operationState = {
        phase: 'Running',
        message: 'one or more tasks are running',
        startedAt: this.clock.iso(now),
        operation: {
          sync: record.spec.sources ? { revisions } : { revision: revisions[0] },
          initiatedBy: requested.initiatedBy,
        },
        retryCount: 0,
      };
      record.operationEndsAt = now + this.options.syncDurationMs;
      return true;
    }
    const state = record.operationState;
    if (!state || state.finishedAt) return false;
    if (record.terminating) {
      this.endOperation(record, now, 'Failed', 'Operation terminated');
      return true;
    }
    if (now < (record.operationEndsAt ?? 0)) return false;
    const revisions = state.operation.sync.revisions ?? [state.operation.sync.revision ?? ''];
    const manifests = this.desiredManifests(record, revisions);
    const outcome = this.cluster.apply(record.key, revisions.join(','), manifests, now);
    state.syncResult = {
      ...(record.spec.sources ? { revisions } : { revision: revisions[0] }),
      resources: this.cluster.resources(record.key, now).map((r) => ({
        kind: r.kind,
        name: r.name,
        status: outcome.ok ? 'Synced' : 'SyncFailed',
        message: outcome.message,
      })),
    };
    const failure = `one or more objects failed to apply, reason: ${outcome.message}`;
    if (!outcome.ok && state.operation.initiatedBy.automated && state.retryCount < this.options.autoSyncRetryLimit) {
      // Still Running: the same operation is applied again after the backoff.
      state.retryCount++;
      const retryAt = now + Math.min(RETRY_BASE_MS * 2 ** (state.retryCount - 1), RETRY_MAX_MS);
      state.message = `${failure}. Retrying attempt #${state.retryCount} at ${this.clock.iso(retryAt)}.`;
      record.operationEndsAt = retryAt;
    } else if (outcome.ok) this.endOperation(record, now, 'Succeeded', outcome.message);
    else {
      const retried = state.retryCount > 0 ? ` (retried ${state.retryCount} times).` : '';
      this.endOperation(record, now, 'Failed', `${failure}${retried}`);
    }
    // The controller compares again right after an operation (reconciledAt >= finishedAt).
    this.compareAfterOperation(record, now);
    return true;
  }

  private compareAfterOperation(record: AppRecord, now: number): void {
    const desired = this.desiredManifests(record);
    record.syncStatus = this.cluster.applied(record.key) === desired ? 'Synced' : 'OutOfSync';
    record.reconciledAt = this.clock.iso(now);
  }

  private endOperation(record: AppRecord, now: number, phase: string, message: string): void {
    const state = record.operationState!;
    state.phase = phase;
    state.message = message;
    state.finishedAt = this.clock.iso(now);
    record.operation = undefined;
    record.terminating = false;
    if (phase !== 'Succeeded' && state.operation.initiatedBy.automated) {
      // Auto-sync will not try this revision again: "Failed last sync attempt to …".
      const revisions = state.operation.sync.revisions ?? [state.operation.sync.revision ?? ''];
      record.failedAutoSyncRevision = revisions.join(',');
      record.conditions = record.conditions.filter((c) => c.type !== 'SyncError');
      record.conditions.push({
        type: 'SyncError',
        message: `Failed last sync attempt to [${revisions.join(', ')}]: ${message}`,
        lastTransitionTime: this.clock.iso(now),
      });
    }
  }

  private updateHealth(record: AppRecord, now: number): boolean {
    const health = this.cluster.health(record.key, now);
    if (health.status === record.health.status && health.message === record.health.message) return false;
    record.health = health;
    return true;
  }
}
