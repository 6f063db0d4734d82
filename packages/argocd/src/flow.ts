import { Deadline } from '@mlops-actions/action-kit/http';
import { formatDuration, type OutputValue } from '@mlops-actions/action-kit/inputs';
import type { Logger } from '@mlops-actions/action-kit/logger';
import { ArgoCdClient } from './client.js';
import { GitHubCommitComparer } from './compare.js';
import { preflight } from './preflight.js';
import type { Expectation } from './evaluator.js';
import { applicationUrl, degradedResources, stateReport, summaryMarkdown } from './report.js';
import { shortSha, summarize } from './snapshot.js';
import type { AppRef } from './types.js';
import { waitForSync, type RefreshMode, type SyncMode } from './wait.js';

/** What wait-argocd-sync waits for, and how (the action reads it from its inputs). */
export interface WaitSyncOptions {
  server: URL;
  token: string;
  app: AppRef;
  expectation: Expectation;
  refresh: RefreshMode;
  refreshTimeoutMs: number;
  sync: SyncMode;
  terminateOnTimeout: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  stream: boolean;
  github?: { token: string; repository: string };
  tls: { caCert?: string; insecure: boolean };
}

export interface WaitSyncReport {
  /** The action's outputs, by name. */
  outputs: Record<string, OutputValue>;
  summary: string;
  /** Why the wait failed; undefined when Argo CD deployed the revision and it is healthy. */
  failure?: string;
}

/**
 * wait-argocd-sync from start to end: checks access to the application, refreshes and syncs as
 * asked, waits until Argo CD deployed the revision and it is healthy (or superseded), and reports.
 */
export async function waitArgoCdSync(
  options: WaitSyncOptions,
  deps: { logger: Logger; githubApiUrl: string },
): Promise<WaitSyncReport> {
  const startedAt = Date.now();
  const { logger } = deps;
  // `timeout` bounds the whole step, pre-flight included: every client below is built with it.
  const deadline = Deadline.after(
    options.timeoutMs,
    `the step's timeout (${formatDuration(options.timeoutMs)})`,
    startedAt,
  );
  const { expectation, app } = options;

  if (!expectation.revision) {
    logger.warning(
      'No revision given: the step checks whatever Argo CD has deployed now, and nothing ties the result to this ' +
        "pipeline's change. Pass the commit SHA that must be deployed (e.g. bump-kserve-image's commit-sha output).",
    );
  }
  if (expectation.superseded !== 'wait' && !options.github) {
    logger.info(
      'superseded: without both github-token and repository a newer commit cannot be recognised as containing ours; waiting for the exact revision',
    );
  }

  const client = new ArgoCdClient({
    server: options.server,
    token: options.token,
    deadline,
    tls: options.tls,
    logger,
    // A burst of 5xx at the start should not fail the step; the wait loop itself retries later failures.
    retry: { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 8_000 },
  });
  const comparer = options.github
    ? new GitHubCommitComparer({
        apiUrl: deps.githubApiUrl,
        token: options.github.token,
        deadline,
        repository: options.github.repository,
        logger,
      })
    : undefined;

  try {
    const ready = await preflight(client, app, logger);
    const result = await waitForSync(client, ready.app, {
      app,
      expectation,
      pollIntervalMs: options.pollIntervalMs,
      timeoutMs: options.timeoutMs,
      startedAt,
      refresh: options.refresh,
      refreshTimeoutMs: options.refreshTimeoutMs,
      sync: options.sync,
      terminateOnTimeout: options.terminateOnTimeout,
      stream: options.stream,
      comparer,
      logger,
    });

    const state = summarize(result.app);
    const url = applicationUrl(options.server, result.app, app.name);
    const outputs = {
      revision: result.deployedRevision ?? '',
      'sync-status': state.syncStatus,
      'health-status': state.healthStatus,
      'operation-phase': state.operationPhase,
      superseded: result.superseded,
      'duration-seconds': Math.round((Date.now() - startedAt) / 100) / 10,
      'degraded-resources': degradedResources(result),
      'application-url': url,
    };
    const summary = summaryMarkdown(result, {
      application: app.name,
      applicationUrl: url,
      expectedRevision: expectation.revision,
    });

    if (result.outcome !== 'succeeded') {
      await logger.group('Last observed state', async () => stateReport(result).forEach((line) => logger.info(line)));
      return { outputs, summary, failure: `${app.name}: ${result.reason}` };
    }
    if (result.superseded) {
      logger.warning(
        `${app.name}: Argo CD deployed ${shortSha(result.deployedRevision)}, a newer commit that already contains ${shortSha(expectation.revision)}`,
      );
    }
    logger.info(`${app.name}: ${result.reason}`);
    return { outputs, summary };
  } finally {
    await client.close();
    await comparer?.close();
  }
}
