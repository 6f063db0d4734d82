import { Markdown, code, link } from '@mlops-actions/action-kit/markdown';
import { formatDuration } from '@mlops-actions/action-kit/parse';
import type { ResourceCheck } from './evaluator.js';
import { formatSelector } from './resources.js';
import { shortSha, summarize, type UnhealthyResource } from './snapshot.js';
import type { Application } from './types.js';
import type { WaitResult } from './wait.js';

/** The Argo CD UI page of the application. */
export function applicationUrl(server: URL, app: Application, fallbackName: string): string {
  const namespace = app.metadata?.namespace;
  const name = app.metadata?.name ?? fallbackName;
  const base = server.toString().replace(/\/+$/, '');
  return `${base}/applications/${namespace ? `${encodeURIComponent(namespace)}/` : ''}${encodeURIComponent(name)}`;
}

/**
 * Unhealthy resources of the app, plus failed `resources` checks, each object once, for the output
 * and the report. A check names its object by selector, maybe without a namespace: it is the same
 * object as an app entry of that kind and name in any namespace it allows, and its own verdict
 * (the deeper, later look) replaces Argo CD's for it.
 */
export function degradedResources(result: WaitResult): UnhealthyResource[] {
  const failed = (result.resourceChecks ?? []).filter((check) => !check.healthy);
  const sameObject = (resource: UnhealthyResource, check: ResourceCheck) =>
    resource.kind === check.selector.kind &&
    resource.name === check.selector.name &&
    (check.selector.namespace === undefined || resource.namespace === check.selector.namespace);
  const fromApp = summarize(result.app).unhealthyResources.map((resource) => {
    const check = failed.find((candidate) => sameObject(resource, candidate));
    return check ? { ...resource, health: check.health, message: check.message } : resource;
  });
  const onlyChecked = failed
    .filter((check) => !fromApp.some((resource) => sameObject(resource, check)))
    .map((check) => ({ ...check.selector, health: check.health, message: check.message }));
  return [...fromApp, ...onlyChecked];
}

/** The last observed state, line by line, for the log of a failed or timed-out wait. */
export function stateReport(result: WaitResult): string[] {
  const s = summarize(result.app);
  const lines = [
    `Sync: ${s.syncStatus} at ${s.gitRevisions.map(shortSha).join(', ') || '(no Git revision)'}`,
    `Health: ${s.healthStatus}${s.healthMessage ? ` (${s.healthMessage})` : ''}`,
  ];
  if (s.operationPhase) {
    lines.push(
      `Operation: ${s.operationPhase}${s.operationRevisions[0] ? ` for ${shortSha(s.operationRevisions[0])}` : ''}${s.operationMessage ? `: ${s.operationMessage}` : ''}`,
    );
  }
  for (const condition of s.conditions) lines.push(`Condition ${condition.type}: ${condition.message ?? ''}`);
  for (const r of degradedResources(result)) {
    lines.push(
      `Resource ${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${r.health}${r.message ? ` (${r.message})` : ''}`,
    );
  }
  const failedSync = (result.app.status?.operationState?.syncResult?.resources ?? []).filter(
    (r) => r.status && r.status !== 'Synced' && r.status !== 'Pruned',
  );
  for (const r of failedSync)
    lines.push(`Sync result ${r.kind}/${r.name}: ${r.status}${r.message ? ` (${r.message})` : ''}`);
  return lines;
}

export interface SummaryContext {
  application: string;
  applicationUrl: string;
  expectedRevision?: string;
}

/** The job summary: link, expected vs deployed revision, timings, unhealthy resources. */
export function summaryMarkdown(result: WaitResult, context: SummaryContext): string {
  const s = summarize(result.app);
  const icon = result.outcome === 'succeeded' ? '✅' : result.outcome === 'timed-out' ? '⏱️' : '❌';
  const md = new Markdown()
    .heading(`${icon} Argo CD: ${context.application}`, 3)
    .paragraph(`${link(context.application, context.applicationUrl)}: ${result.reason}`)
    .table(
      ['what', 'value'],
      [
        ['expected revision', context.expectedRevision ? code(context.expectedRevision) : 'any (no revision given)'],
        ['deployed revision', result.deployedRevision ? code(result.deployedRevision) : undefined],
        ['superseded by a newer commit', result.superseded ? 'yes' : 'no'],
        ['sync', s.syncStatus],
        ['health', s.healthStatus],
        ['operation', s.operationPhase],
      ],
    );
  const t = result.timings;
  const since = (at: number | undefined) => (at === undefined ? undefined : `+${formatDuration(at - t.startedAt)}`);
  const steps: [string, number | undefined][] = [
    ['refresh requested', t.refreshRequestedAt],
    ['sync requested', t.syncRequestedAt],
    ['revision seen', t.revisionSeenAt],
    ['synced', t.syncedAt],
    ['healthy', t.healthyAt],
    ['finished', t.finishedAt],
  ];
  md.table(
    ['step', 'after the wait started'],
    steps.filter(([, at]) => at !== undefined).map(([step, at]) => [step, since(at)]),
  );
  const unhealthy = degradedResources(result);
  if (unhealthy.length > 0) {
    md.heading('Unhealthy resources', 4).table(
      ['resource', 'health', 'message'],
      unhealthy.map((r) => [formatSelector(r), r.health, r.message]),
    );
  }
  if (s.conditions.length > 0) {
    md.heading('Conditions', 4).table(
      ['type', 'message'],
      s.conditions.map((c) => [c.type, c.message]),
    );
  }
  return md.toString();
}
