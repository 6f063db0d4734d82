import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Deadline } from '@mlops-actions/action-kit/http';
import { InputError } from '@mlops-actions/action-kit/inputs';
import type { Logger } from '@mlops-actions/action-kit/logger';
import { readRepoConfig, remoteNames, remoteSection, updateLocalConfig, type RepoConfig } from './config.js';
import { configSecrets, staticCredentialWarnings } from './credentials.js';
import { installDvc, type InstallCache, type InstallOptions, type Installation } from './install.js';
import { planPush } from './plan.js';
import { pushData, type DvcRunner, type PushOptions, type PushResult } from './push.js';
import { RemoteError, extrasFor, resolveRemote, type ResolvedRemote } from './remote.js';
import { DvcSession } from './session.js';
import { renderSummary } from './summary.js';
import { TargetError } from './targets.js';

export interface DvcPushOptions {
  /** The DVC repository (absolute): the folder holding .dvc. */
  root: string;
  dvcVersion: string;
  python: string;
  /** The remote to push to; default the repository's default remote. */
  remote?: string;
  /** Creates or overrides the remote's URL in .dvc/config.local (already validated). */
  remoteUrl?: string;
  endpointUrl?: string;
  region?: string;
  targets: string[];
  jobs?: number;
  retries: number;
  allowMissingCache: boolean;
  verify: boolean;
  /** Keep DVC's installation in the tool cache (and the cross-job cache, when given). */
  cache: boolean;
  /** `timeout`: pip and DVC (every subprocess that reaches the network) run under it. */
  deadline: Deadline;
}

export interface DvcPushDeps {
  logger: Logger;
  /** The environment DVC and pip run with (credentials, proxies, PIP_INDEX_URL…). */
  env: NodeJS.ProcessEnv;
  /** Masks a secret found in the DVC configuration before anything prints it. */
  mask: (secret: string) => void;
  toolCacheDir: string;
  tempDir: string;
  /** Saves and restores the installation across jobs (GitHub's cache service). */
  installCache?: InstallCache;
  /** Installs DVC; default installDvc (tests hand in the stack's DVC). */
  install?: (options: InstallOptions) => Promise<Installation>;
  /** Wraps the DVC process (tests inject failures). */
  wrap?: (dvc: DvcRunner) => DvcRunner;
  sleep?: PushOptions['sleep'];
  random?: PushOptions['random'];
}

export interface DvcPushOutcome {
  result: PushResult;
  remote: ResolvedRemote;
  dvcVersion: string;
  installation: Installation;
  pushMs: number;
  summary: string;
}

/**
 * dvc-push from start to end: checks the repository and the remote, sets the remote's overrides,
 * installs DVC (cached), pushes and verifies. An upstream failure is in `result.failure` (the
 * outcome is still complete, for outputs and the summary); bad options throw InputError.
 */
export async function dvcPush(options: DvcPushOptions, deps: DvcPushDeps): Promise<DvcPushOutcome> {
  const { logger } = deps;
  const dvcDir = join(options.root, '.dvc');
  if (!existsSync(dvcDir)) {
    throw new InputError(
      `Input 'working-directory' points at ${options.root}, which is not a DVC repository (no .dvc folder): set it to the folder where 'dvc init' ran`,
    );
  }
  const { config, remote } = configureRemote(options, dvcDir, deps);
  staticCredentialWarnings(config, remote, deps.env).forEach((warning) => logger.warning(warning));

  let plan;
  try {
    plan = planPush(options.root, config, remote.name, options.targets);
  } catch (error) {
    if (error instanceof TargetError) throw new InputError(`Input 'targets': ${error.message}`);
    throw error;
  }
  const remotes = resolveAll(config, dvcDir, remote, plan.remotes);

  const installation = await logger.group('Install DVC', () =>
    (deps.install ?? installDvc)({
      python: options.python,
      dvcVersion: options.dvcVersion,
      extras: extrasFor(remotes.map((r) => r.scheme)),
      // The tool cache is kept (and saved across jobs); without cache, the job's temporary folder.
      toolCache: options.cache ? deps.toolCacheDir : join(deps.tempDir, 'dvc-push-install'),
      env: deps.env,
      logger,
      deadline: options.deadline,
      ...(options.cache && deps.installCache ? { cache: deps.installCache } : {}),
    }),
  );
  logger.info(`DVC ${options.dvcVersion}: ${installation.source} (${installation.key}) in ${installation.ms} ms`);

  const started = Date.now();
  const session = await DvcSession.start({
    python: installation.python,
    cwd: options.root,
    env: { ...deps.env, DVC_NO_ANALYTICS: '1' },
    logger,
    deadline: options.deadline,
  });
  let result: PushResult;
  try {
    result = await logger.group(`Push to ${remote.name} (${remote.displayUrl})`, () =>
      pushData({
        plan,
        remote: remote.name,
        remoteUrls: Object.fromEntries(remotes.map((r) => [r.name, r.displayUrl])),
        targets: options.targets,
        jobs: options.jobs,
        retries: options.retries,
        allowMissingCache: options.allowMissingCache,
        verify: options.verify,
        dvc: deps.wrap ? deps.wrap(session) : session,
        logger,
        sleep: deps.sleep,
        random: deps.random,
      }),
    );
  } finally {
    await session.close();
  }
  const pushMs = Date.now() - started;
  const dvcVersion = session.version;
  const summary = renderSummary({
    result,
    remote: remote.name,
    remoteUrl: remote.displayUrl,
    dvcVersion,
    installation,
    pushMs,
  });
  return { result, remote, dvcVersion, installation, pushMs, summary };
}

/** The remote to push to, with the URL, endpoint and region overrides written to config.local. */
function configureRemote(
  options: DvcPushOptions,
  dvcDir: string,
  deps: DvcPushDeps,
): { config: RepoConfig; remote: ResolvedRemote } {
  let config = readRepoConfig(dvcDir);
  configSecrets(config).forEach(deps.mask);
  const { remote: name, remoteUrl } = options;
  if (name && !remoteUrl && !remoteNames(config.merged).includes(name)) {
    const known = remoteNames(config.merged);
    throw new InputError(
      `Input 'remote' has invalid value ${JSON.stringify(name)}: expected one of the configured remotes (${known.join(', ') || 'none'}), or give remote-url to create it`,
    );
  }
  const remote = resolveRemote(config, dvcDir, { name, url: remoteUrl });
  const overrides = {
    ...(remoteUrl ? { url: remoteUrl } : {}),
    ...(options.endpointUrl ? { endpointurl: options.endpointUrl } : {}),
    ...(options.region ? { region: options.region } : {}),
  };
  if (!Object.keys(overrides).length) return { config, remote };
  updateLocalConfig(dvcDir, remoteSection(remote.name), overrides);
  config = readRepoConfig(dvcDir);
  deps.logger.info(`Set ${Object.keys(overrides).join(', ')} of remote '${remote.name}' in .dvc/config.local`);
  return { config, remote };
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
