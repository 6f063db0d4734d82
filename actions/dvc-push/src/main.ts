import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InputError,
  actionInputs,
  coreLogger,
  maskSecret,
  setOutputs,
  writeSummary,
  type Inputs,
} from '@mlops-actions/action-kit';
import {
  DvcSession,
  RemoteError,
  TargetError,
  configSecrets,
  extrasFor,
  installDvc,
  parseRemoteUrl,
  planPush,
  pushData,
  readRepoConfig,
  remoteNames,
  remoteScheme,
  remoteSection,
  renderSummary,
  resolveRemote,
  staticCredentialWarnings,
  stripCredentials,
  updateLocalConfig,
  type RepoConfig,
  type ResolvedRemote,
} from '@mlops-actions/dvc';
import { actionsCacheAvailable, actionsInstallCache } from './install-cache.js';

const DEFAULT_DVC_VERSION = '3.67.1';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = coreLogger;
  const inputs = actionInputs(env);
  const dvcVersion =
    inputs.matching('dvc-version', /^3\.\d+\.\d+$/, 'a DVC 3 release like 3.67.1') ?? DEFAULT_DVC_VERSION;
  const python = inputs.string('python', { default: 'python3' })!;
  const root = inputs.directory('working-directory', '.', { allowOutside: 'allow-outside-workspace' });
  const dvcDir = join(root, '.dvc');
  if (!existsSync(dvcDir)) {
    throw new InputError(
      `Input 'working-directory' points at ${root}, which is not a DVC repository (no .dvc folder): set it to the folder where 'dvc init' ran`,
    );
  }
  const remoteName = inputs.matching('remote', /^[^\s"'[\]]+$/, 'a remote name without spaces, quotes or brackets');
  const remoteUrl = readRemoteUrl(inputs);
  const endpointUrl = inputs.url('endpoint-url')?.toString().replace(/\/$/, '');
  const region = inputs.matching('region', /^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region like eu-west-1');
  const targets = inputs.list('targets');
  const jobs = inputs.integer('jobs', { min: 1, max: 512 });
  const retries = inputs.integer('retries', { min: 0, max: 10, default: 2 });
  const allowMissingCache = inputs.boolean('allow-missing-cache', false);
  const verify = inputs.boolean('verify', true);
  const useCache = inputs.boolean('cache', true);

  let config = readRepoConfig(dvcDir);
  configSecrets(config).forEach(maskSecret);
  if (remoteName && !remoteUrl && !remoteNames(config.merged).includes(remoteName)) {
    const known = remoteNames(config.merged);
    throw new InputError(
      `Input 'remote' has invalid value ${JSON.stringify(remoteName)}: expected one of the configured remotes (${known.join(', ') || 'none'}), or give remote-url to create it`,
    );
  }
  const remote = resolveRemote(config, dvcDir, { name: remoteName, url: remoteUrl });
  const overrides = {
    ...(remoteUrl ? { url: remoteUrl } : {}),
    ...(endpointUrl ? { endpointurl: endpointUrl } : {}),
    ...(region ? { region } : {}),
  };
  if (Object.keys(overrides).length) {
    updateLocalConfig(dvcDir, remoteSection(remote.name), overrides);
    config = readRepoConfig(dvcDir);
    logger.info(`Set ${Object.keys(overrides).join(', ')} of remote '${remote.name}' in .dvc/config.local`);
  }
  staticCredentialWarnings(config, remote, env).forEach((warning) => logger.warning(warning));

  let plan;
  try {
    plan = planPush(root, config, remote.name, targets);
  } catch (error) {
    if (error instanceof TargetError) throw new InputError(`Input 'targets': ${error.message}`);
    throw error;
  }
  const remotes = resolveAll(config, dvcDir, remote, plan.remotes);

  const cacheService = useCache && actionsCacheAvailable(env);
  if (useCache && !cacheService) {
    logger.info(
      'The Actions cache service is not available here (no ACTIONS_RUNTIME_TOKEN / cache URL): using the tool cache only',
    );
  }
  const installation = await logger.group('Install DVC', () =>
    installDvc({
      python,
      dvcVersion,
      extras: extrasFor(remotes.map((r) => r.scheme)),
      toolCache: installRoot(env, useCache),
      env,
      logger,
      ...(cacheService ? { cache: actionsInstallCache() } : {}),
    }),
  );
  logger.info(`DVC ${dvcVersion}: ${installation.source} (${installation.key}) in ${installation.ms} ms`);

  const dvcEnv = { ...env, DVC_NO_ANALYTICS: '1' };
  const started = Date.now();
  const session = await DvcSession.start({ python: installation.python, cwd: root, env: dvcEnv, logger });
  let result;
  try {
    result = await logger.group(`Push to ${remote.name} (${remote.displayUrl})`, () =>
      pushData({
        plan,
        remote: remote.name,
        remoteUrls: Object.fromEntries(remotes.map((r) => [r.name, r.displayUrl])),
        targets,
        jobs,
        retries,
        allowMissingCache,
        verify,
        dvc: session,
        logger,
      }),
    );
  } finally {
    await session.close();
  }

  setOutputs({
    'pushed-count': result.pushed.length,
    'already-present-count': result.alreadyPresentCount,
    pushed: result.pushed,
    remote: remote.name,
    'remote-url': remote.displayUrl,
    'dvc-version': session.version,
  });
  await writeSummary(
    renderSummary({
      result,
      remote: remote.name,
      remoteUrl: remote.displayUrl,
      dvcVersion: session.version,
      installation,
      pushMs: Date.now() - started,
    }),
  );
  if (result.failure)
    throw new Error(`${result.failure.message}${result.failure.hint ? `\n${result.failure.hint}` : ''}`);
  logger.info(`Pushed ${result.pushed.length} file(s) to ${remote.name}; ${result.alreadyPresentCount} already there`);
}

/**
 * With `cache` on, the runner's tool cache (kept on self-hosted runners, saved across jobs with
 * the Actions cache); off, the job's own temporary folder, which the runner empties afterwards.
 */
function installRoot(env: NodeJS.ProcessEnv, useCache: boolean): string {
  if (useCache) return env.RUNNER_TOOL_CACHE || join(tmpdir(), 'dvc-tool-cache');
  return join(env.RUNNER_TEMP || tmpdir(), 'dvc-push-install');
}

/** remote-url may carry credentials (userinfo, a SAS query): masked, and never echoed back. */
function readRemoteUrl(inputs: Inputs): string | undefined {
  const raw = inputs.string('remote-url');
  if (!raw) return undefined;
  if (remoteScheme(raw) !== 'local') {
    try {
      const url = new URL(raw);
      for (const part of [url.username, url.password, url.search.slice(1)])
        if (part) maskSecret(decodeURIComponent(part));
    } catch {
      // reported below as malformed
    }
  }
  try {
    return parseRemoteUrl(raw);
  } catch (error) {
    const expected = (error as { expected?: string }).expected ?? 'a remote URL';
    throw new InputError(
      `Input 'remote-url' has invalid value ${JSON.stringify(stripCredentials(raw))}: expected ${expected}`,
    );
  }
}

/** The push's remote and every other remote named by per-output `remote:` fields. */
function resolveAll(config: RepoConfig, dvcDir: string, main: ResolvedRemote, names: string[]): ResolvedRemote[] {
  const all = [main];
  for (const name of names) {
    if (name === main.name) continue;
    try {
      all.push(resolveRemote(config, dvcDir, { name }));
    } catch (error) {
      if (error instanceof RemoteError)
        throw new Error(`An output names remote '${name}' (remote: field), but ${error.message}`, { cause: error });
      throw error;
    }
  }
  return all;
}
