import type { Application, ApplicationSource, Condition } from './types.js';

/** One resource that is not Healthy, for reports and the `degraded-resources` output. */
export interface UnhealthyResource {
  kind: string;
  namespace?: string;
  name: string;
  health: string;
  message?: string;
}

/** The facts of an Application snapshot the waiter reasons about and reports. */
export interface AppSummary {
  /** SHAs of the Git sources only (Helm charts and OCI artifacts carry versions, not commits). */
  gitRevisions: string[];
  syncStatus: string;
  healthStatus: string;
  healthMessage?: string;
  operationPhase: string;
  operationMessage?: string;
  /** Revisions the last or current operation asked for or applied. */
  operationRevisions: string[];
  operationInFlight: boolean;
  /** A new operation is requested (top-level `operation`) and not yet picked up or finished. */
  operationRequested: boolean;
  autoSync: boolean;
  conditions: Condition[];
  unhealthyResources: UnhealthyResource[];
  resourceVersion?: string;
}

export function isGitSource(source: ApplicationSource | undefined): boolean {
  if (!source) return true;
  if (source.chart) return false;
  return !/^oci:\/\//i.test(source.repoURL ?? '');
}

/** Revisions of the Git sources, index-aligned with spec.sources for multi-source apps. */
export function gitRevisions(app: Application): string[] {
  const sync = app.status?.sync;
  const sources = app.spec?.sources;
  if (sources && sources.length > 0 && sync?.revisions) {
    return sync.revisions.filter((revision, index) => Boolean(revision) && isGitSource(sources[index]));
  }
  if (sync?.revision && isGitSource(app.spec?.source)) return [sync.revision];
  return [];
}

export function hasGitSource(app: Application): boolean {
  const sources = app.spec?.sources;
  if (sources && sources.length > 0) return sources.some(isGitSource);
  return isGitSource(app.spec?.source);
}

export function isAutoSync(app: Application): boolean {
  const automated = app.spec?.syncPolicy?.automated;
  return Boolean(automated) && automated?.enabled !== false;
}

/**
 * As `argocd app wait` judges it: an operation is requested, running, or finished but not yet
 * followed by a fresh comparison (reconciledAt before finishedAt).
 */
export function operationInFlight(app: Application): boolean {
  if (app.operation) return true;
  const state = app.status?.operationState;
  if (!state) return false;
  if (state.phase === 'Running' || state.phase === 'Terminating') return true;
  if (!state.finishedAt) return true;
  const reconciledAt = Date.parse(app.status?.reconciledAt ?? '');
  return Number.isNaN(reconciledAt) || reconciledAt < Date.parse(state.finishedAt);
}

export function operationRevisions(app: Application): string[] {
  const state = app.status?.operationState;
  const requested = state?.operation?.sync;
  const applied = state?.syncResult;
  return [
    requested?.revision,
    ...(requested?.revisions ?? []),
    applied?.revision,
    ...(applied?.revisions ?? []),
  ].filter((revision): revision is string => Boolean(revision));
}

export function unhealthyResources(app: Application): UnhealthyResource[] {
  return (app.status?.resources ?? [])
    .filter((resource) => resource.health?.status && resource.health.status !== 'Healthy')
    .map((resource) => ({
      kind: resource.kind ?? '',
      namespace: resource.namespace || undefined,
      name: resource.name ?? '',
      health: resource.health!.status!,
      message: resource.health!.message || undefined,
    }));
}

export function summarize(app: Application): AppSummary {
  const state = app.status?.operationState;
  return {
    gitRevisions: gitRevisions(app),
    syncStatus: app.status?.sync?.status ?? 'Unknown',
    healthStatus: app.status?.health?.status ?? 'Unknown',
    healthMessage: app.status?.health?.message || undefined,
    operationPhase: app.operation && !state?.phase ? 'Requested' : (state?.phase ?? ''),
    operationMessage: state?.message || undefined,
    operationRevisions: operationRevisions(app),
    operationInFlight: operationInFlight(app),
    operationRequested: Boolean(app.operation),
    autoSync: isAutoSync(app),
    conditions: app.status?.conditions ?? [],
    unhealthyResources: unhealthyResources(app),
    resourceVersion: app.metadata?.resourceVersion,
  };
}

export function sameRevision(a: string | undefined, b: string | undefined): boolean {
  return Boolean(a) && Boolean(b) && a!.toLowerCase() === b!.toLowerCase();
}

export function shortSha(revision: string | undefined): string {
  if (!revision) return '(none)';
  return /^[0-9a-f]{40}$/i.test(revision) ? revision.slice(0, 12) : revision;
}
