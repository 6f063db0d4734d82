import { actionInputs, coreLogger, formatDuration, setOutputs, writeSummary } from '@mlops-actions/action-kit';
import { Deadline } from '@mlops-actions/action-kit/http';
import {
  ArgoCdClient,
  GitHubCommitComparer,
  applicationUrl,
  degradedResources,
  preflight,
  shortSha,
  stateReport,
  summarize,
  summaryMarkdown,
  waitForSync,
} from '@mlops-actions/argocd';
import { readOptions } from './options.js';

export async function main(): Promise<void> {
  const startedAt = Date.now();
  const options = readOptions(actionInputs());
  const logger = coreLogger;
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
        apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
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

    const summary = summarize(result.app);
    const url = applicationUrl(options.server, result.app, app.name);
    setOutputs({
      revision: result.deployedRevision ?? '',
      'sync-status': summary.syncStatus,
      'health-status': summary.healthStatus,
      'operation-phase': summary.operationPhase,
      superseded: result.superseded,
      'duration-seconds': Math.round((Date.now() - startedAt) / 100) / 10,
      'degraded-resources': degradedResources(result),
      'application-url': url,
    });
    await writeSummary(
      summaryMarkdown(result, { application: app.name, applicationUrl: url, expectedRevision: expectation.revision }),
    );

    if (result.outcome !== 'succeeded') {
      await logger.group('Last observed state', async () => stateReport(result).forEach((line) => logger.info(line)));
      throw new Error(`${app.name}: ${result.reason}`);
    }
    if (result.superseded) {
      logger.warning(
        `${app.name}: Argo CD deployed ${shortSha(result.deployedRevision)}, a newer commit that already contains ${shortSha(expectation.revision)}`,
      );
    }
    logger.info(`${app.name}: ${result.reason}`);
  } finally {
    await client.close();
    await comparer?.close();
  }
}
