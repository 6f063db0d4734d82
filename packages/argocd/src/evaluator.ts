import type { CommitRelation } from './compare.js';
import { sameRevision, shortSha, summarize, type AppSummary, type UnhealthyResource } from './snapshot.js';
import type { Application } from './types.js';

export type HealthRequirement = 'healthy' | 'healthy-or-suspended' | 'ignore';
export type SupersededPolicy = 'warn' | 'fail' | 'wait';

/** `Kind/name` or `Kind/namespace/name` from the `resources` input. */
export interface ResourceSelector {
  kind: string;
  namespace?: string;
  name: string;
}

/** What must hold before the wait succeeds. */
export interface Expectation {
  /** Full SHA; undefined means "whatever is current". */
  revision?: string;
  health: HealthRequirement;
  superseded: SupersededPolicy;
  /** How long a ComparisonError may last before it fails the wait. */
  comparisonErrorGraceMs: number;
  resources: readonly ResourceSelector[];
}

export interface ResourceCheck {
  selector: ResourceSelector;
  healthy: boolean;
  /** Argo CD health, or Missing when the resource is not in the tree. */
  health: string;
  message?: string;
}

/** Facts gathered outside the snapshot: time, GitHub answers, live resource checks. */
export interface Facts {
  now: number;
  /** When the current ComparisonError was first observed. */
  comparisonErrorSince?: number;
  /** Relation of each deployed revision (key) to the expected one, from the compare API. */
  relations: ReadonlyMap<string, CommitRelation>;
  /** Whether relations can be asked for (a comparer exists and the policy is not `wait`). */
  canCompare: boolean;
  /** Checks of the `resources` selectors made against this snapshot. */
  resourceChecks?: readonly ResourceCheck[];
}

export type Stage = 'revision' | 'operation' | 'sync' | 'health' | 'resources';

export type Verdict =
  | { outcome: 'waiting'; stage: Stage; reason: string; needs?: { compare?: string[]; resources?: boolean } }
  | { outcome: 'succeeded'; reason: string; deployedRevision?: string; superseded: boolean }
  | { outcome: 'failed'; reason: string; deployedRevision?: string };

type RevisionState =
  | { state: 'matched'; deployed?: string; superseded: boolean }
  | { state: 'pending'; reason: string; needs?: string[] }
  | { state: 'failed'; reason: string };

/**
 * Turns one Application snapshot (plus outside facts) into wait / succeed / fail. Pure: the
 * watcher keeps the memory (ComparisonError start, compare answers) and feeds it back in.
 */
export function evaluate(app: Application, expectation: Expectation, facts: Facts): Verdict {
  const summary = summarize(app);
  const conditions = summary.conditions;

  const invalidSpec = conditions.find((c) => c.type === 'InvalidSpecError');
  if (invalidSpec) return failed(`the application spec is invalid (InvalidSpecError): ${invalidSpec.message ?? ''}`);

  const comparisonError = conditions.find((c) => c.type === 'ComparisonError');
  if (comparisonError && facts.comparisonErrorSince !== undefined) {
    const lasted = facts.now - facts.comparisonErrorSince;
    if (lasted >= expectation.comparisonErrorGraceMs) {
      return failed(
        `Argo CD cannot compare the application with Git (ComparisonError for ${Math.round(lasted / 1000)}s): ${comparisonError.message ?? ''}`,
      );
    }
  }

  const revision = revisionState(summary, expectation, facts);
  if (revision.state === 'failed') return failed(revision.reason);

  const expected = expectation.revision;
  const syncError = conditions.find((c) => c.type === 'SyncError');
  // A failed operation counts unless a new one has been requested since (a retry or a re-sync).
  const opFailedForUs = ['Failed', 'Error'].includes(summary.operationPhase) && !summary.operationRequested;

  if (revision.state === 'pending') {
    if (expected && opFailedForUs && summary.operationRevisions.some((r) => sameRevision(r, expected))) {
      return failed(operationFailure(summary, expected));
    }
    if (expected && syncError?.message?.toLowerCase().includes(expected.toLowerCase())) {
      return failed(`Argo CD gave up syncing ${shortSha(expected)} (SyncError): ${syncError.message}`);
    }
    if (comparisonError)
      return waiting('revision', `${revision.reason}; ComparisonError: ${comparisonError.message ?? ''}`);
    return {
      outcome: 'waiting',
      stage: 'revision',
      reason: revision.reason,
      needs: revision.needs && { compare: revision.needs },
    };
  }

  const target = revision.deployed;
  const fail = (reason: string): Verdict => ({ outcome: 'failed', reason, deployedRevision: target });

  if (opFailedForUs && (target === undefined || summary.operationRevisions.some((r) => sameRevision(r, target)))) {
    return fail(operationFailure(summary, target));
  }
  if (syncError) return fail(`Argo CD will not retry the sync (SyncError): ${syncError.message ?? ''}`);
  if (comparisonError)
    return waiting('sync', `ComparisonError (within the grace period): ${comparisonError.message ?? ''}`);
  if (summary.operationInFlight) {
    const phase = summary.operationPhase || 'requested';
    return waiting(
      'operation',
      `an operation is in flight (${phase}${summary.operationMessage ? `: ${summary.operationMessage}` : ''})`,
    );
  }
  if (summary.syncStatus !== 'Synced') return waiting('sync', `sync status is ${summary.syncStatus}`);

  const health = summary.healthStatus;
  if (expectation.health !== 'ignore') {
    if (health === 'Degraded') {
      return fail(`health is Degraded on ${shortSha(target)}${describeResources(summary.unhealthyResources)}`);
    }
    const accepted = health === 'Healthy' || (health === 'Suspended' && expectation.health === 'healthy-or-suspended');
    if (!accepted) {
      return waiting('health', `health is ${health}${summary.healthMessage ? ` (${summary.healthMessage})` : ''}`);
    }
  }

  if (expectation.resources.length > 0) {
    if (!facts.resourceChecks)
      return { outcome: 'waiting', stage: 'resources', reason: 'checking resources', needs: { resources: true } };
    const degraded = facts.resourceChecks.filter((check) => check.health === 'Degraded');
    if (degraded.length > 0 && expectation.health !== 'ignore')
      return fail(`resources are Degraded: ${describeChecks(degraded)}`);
    const pending = facts.resourceChecks.filter((check) => !check.healthy);
    if (pending.length > 0) return waiting('resources', `resources not ready: ${describeChecks(pending)}`);
  }

  const superseded = revision.superseded;
  return {
    outcome: 'succeeded',
    deployedRevision: target,
    superseded,
    reason: superseded
      ? `${shortSha(target)}, which already contains ${shortSha(expected)}, is Synced and ${health}`
      : `${expected ? shortSha(target) : 'the current revision'} is Synced and ${health}`,
  };
}

function revisionState(summary: AppSummary, expectation: Expectation, facts: Facts): RevisionState {
  const expected = expectation.revision;
  const deployed = summary.gitRevisions;
  if (!expected) return { state: 'matched', deployed: deployed[0], superseded: false };
  if (deployed.some((revision) => sameRevision(revision, expected))) {
    return { state: 'matched', deployed: expected, superseded: false };
  }
  if (deployed.length === 0) return { state: 'pending', reason: 'Argo CD has not resolved a Git revision yet' };

  const others = deployed.filter((revision) => !sameRevision(revision, expected));
  const seen = `deployed revision is ${others.map(shortSha).join(', ')}, not ${shortSha(expected)}`;
  if (!facts.canCompare || expectation.superseded === 'wait') return { state: 'pending', reason: seen };

  const unknown = others.filter((revision) => !facts.relations.has(revision));
  if (unknown.length > 0) return { state: 'pending', reason: seen, needs: unknown };
  for (const revision of others) {
    const relation = facts.relations.get(revision);
    if (relation === 'identical') return { state: 'matched', deployed: revision, superseded: false };
    if (relation === 'ahead') {
      if (expectation.superseded === 'fail') {
        return {
          state: 'failed',
          reason: `Argo CD deployed ${shortSha(revision)}, a newer commit that already contains ${shortSha(expected)} (superseded: fail)`,
        };
      }
      return { state: 'matched', deployed: revision, superseded: true };
    }
  }
  const diverged = others.find((revision) => facts.relations.get(revision) === 'diverged');
  if (diverged) {
    return {
      state: 'failed',
      reason: `Argo CD tracks ${shortSha(diverged)}, whose history does not contain ${shortSha(expected)}: the commit is not on the branch Argo CD follows (force-pushed away, or pushed to another branch)`,
    };
  }
  return { state: 'pending', reason: `${seen} (an older commit: Argo CD has not picked up the push yet)` };
}

function operationFailure(summary: AppSummary, revision: string | undefined): string {
  return `the sync operation for ${shortSha(revision)} ended ${summary.operationPhase}: ${summary.operationMessage ?? 'no message'}`;
}

function describeResources(resources: readonly UnhealthyResource[]): string {
  if (resources.length === 0) return '';
  return `: ${resources.map((r) => `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name} ${r.health}${r.message ? ` (${r.message})` : ''}`).join('; ')}`;
}

function describeChecks(checks: readonly ResourceCheck[]): string {
  return checks
    .map(
      ({ selector: s, health, message }) =>
        `${s.kind}/${s.namespace ? `${s.namespace}/` : ''}${s.name} ${health}${message ? ` (${message})` : ''}`,
    )
    .join('; ');
}

function waiting(stage: Stage, reason: string): Verdict {
  return { outcome: 'waiting', stage, reason };
}

function failed(reason: string): Verdict {
  return { outcome: 'failed', reason };
}
