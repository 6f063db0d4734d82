import { dvcPush, readDvcPushOptions, type InstallCache } from '@mlops-actions/dvc';
import type { ActionHost } from '@mlops-actions/action-kit/inputs';

/** `actionsCache`: GitHub's cache service for the DVC installation, given when the runner offers it. */
export async function main(
  host: ActionHost,
  env: NodeJS.ProcessEnv = process.env,
  actionsCache?: () => InstallCache,
): Promise<void> {
  const { logger, context } = host;
  const options = readDvcPushOptions(host.inputs, host.mask);
  const cacheService = options.cache && context.kind === 'github' && actionsCache;
  if (options.cache && !cacheService) {
    logger.info(
      'The Actions cache service is not available here (only the action has it, with ACTIONS_RUNTIME_TOKEN and a cache URL): using the tool cache only',
    );
  }
  const outcome = await dvcPush(options, {
    logger,
    env,
    mask: host.mask,
    toolCacheDir: context.toolCacheDir,
    tempDir: context.tempDir,
    ...(cacheService ? { installCache: cacheService() } : {}),
  });
  const { result, remote } = outcome;

  host.setOutputs({
    'pushed-count': result.pushed.length,
    'already-present-count': result.alreadyPresentCount,
    pushed: result.pushed,
    remote: remote.name,
    'remote-url': remote.displayUrl,
    'dvc-version': outcome.dvcVersion,
  });
  await host.writeSummary(outcome.summary);
  if (result.failure)
    throw new Error(`${result.failure.message}${result.failure.hint ? `\n${result.failure.hint}` : ''}`);
  logger.info(`Pushed ${result.pushed.length} file(s) to ${remote.name}; ${result.alreadyPresentCount} already there`);
}
