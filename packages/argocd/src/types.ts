/**
 * The subset of Argo CD's v1alpha1 Application (as served by the REST API) that the waiter reads.
 * Every field is optional: servers of different versions, and `fields`-trimmed responses, leave
 * parts out.
 */
export interface ApplicationSource {
  repoURL?: string;
  path?: string;
  targetRevision?: string;
  chart?: string;
  ref?: string;
}

export interface ResourceStatus {
  group?: string;
  version?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  status?: string;
  health?: { status?: string; message?: string };
}

export interface Condition {
  type?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface SyncOperation {
  revision?: string;
  revisions?: string[];
}

export interface OperationState {
  phase?: 'Running' | 'Terminating' | 'Failed' | 'Error' | 'Succeeded' | string;
  message?: string;
  startedAt?: string;
  finishedAt?: string | null;
  retryCount?: number;
  operation?: { sync?: SyncOperation; initiatedBy?: { username?: string; automated?: boolean } };
  syncResult?: {
    revision?: string;
    revisions?: string[];
    resources?: { kind?: string; namespace?: string; name?: string; status?: string; message?: string }[];
  };
}

export interface Application {
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    generation?: number;
    annotations?: Record<string, string>;
  };
  spec?: {
    project?: string;
    source?: ApplicationSource;
    sources?: ApplicationSource[];
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean; enabled?: boolean } | null };
  };
  operation?: { sync?: SyncOperation } | null;
  status?: {
    sync?: { status?: 'Synced' | 'OutOfSync' | 'Unknown' | string; revision?: string; revisions?: string[] };
    health?: { status?: HealthStatus | string; message?: string };
    operationState?: OperationState | null;
    reconciledAt?: string;
    conditions?: Condition[];
    resources?: ResourceStatus[];
  };
}

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | string;
  application: Application;
}

export interface ResourceNode {
  group?: string;
  version?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  health?: { status?: string; message?: string };
}

export interface ResourceTree {
  nodes?: ResourceNode[];
}

/** Which application: Argo CD needs the namespace for apps-in-any-namespace, the project to answer 404. */
export interface AppRef {
  name: string;
  appNamespace?: string;
  project?: string;
}
