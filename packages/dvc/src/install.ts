import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Deadline } from '@mlops-actions/action-kit/http';
import type { Logger } from '@mlops-actions/action-kit/logger';
import { DeadlineExceededError, runUnderDeadline } from '@mlops-actions/action-kit/subprocess';
import { withInstallLock } from './install-lock.js';

const run = promisify(execFile);

export interface PythonInfo {
  /** e.g. 3.11.7 */
  version: string;
  implementation: string;
  /** e.g. linux-x86_64 */
  platform: string;
  /** The base interpreter's prefix: a virtualenv only works with that exact interpreter. */
  basePrefix: string;
}

export interface Installation {
  /** The virtualenv's interpreter, which runs DVC. */
  python: string;
  dir: string;
  /** Names the installation: DVC version, extras, Python and platform. */
  key: string;
  source: 'tool-cache' | 'actions-cache' | 'installed';
  ms: number;
}

/** Save and restore of the installation across jobs (GitHub's cache service), when available. */
export interface InstallCache {
  restore(dir: string, key: string): Promise<boolean>;
  save(dir: string, key: string): Promise<void>;
}

export interface InstallOptions {
  python: string;
  dvcVersion: string;
  extras: readonly string[];
  /** RUNNER_TOOL_CACHE */
  toolCache: string;
  /** The environment pip runs with (PIP_INDEX_URL, PIP_FIND_LINKS… pass through). */
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** The step's deadline: pip (which downloads) is stopped when it passes. */
  deadline: Deadline;
  cache?: InstallCache;
  /** How long to wait for another job installing the same key on this machine. */
  lockTimeoutMs?: number;
}

export class InstallError extends Error {
  override name = 'InstallError';
}

const PROBE = `import json, platform, sys
print(json.dumps({"version": platform.python_version(), "implementation": sys.implementation.name,
  "platform": sys.platform + "-" + platform.machine().lower(), "basePrefix": sys.base_prefix,
  "supported": sys.version_info >= (3, 9)}))`;

export async function probePython(python: string, env: NodeJS.ProcessEnv): Promise<PythonInfo> {
  let stdout: string;
  try {
    ({ stdout } = await run(python, ['-c', PROBE], { env, timeout: 30_000 }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InstallError(
      code === 'ENOENT'
        ? `Python interpreter '${python}' was not found: set the 'python' input, or add actions/setup-python before this step`
        : `Python interpreter '${python}' does not run: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const info = JSON.parse(stdout) as PythonInfo & { supported: boolean };
  if (!info.supported) throw new InstallError(`DVC needs Python 3.9 or newer; '${python}' is ${info.version}`);
  return {
    version: info.version,
    implementation: info.implementation,
    platform: info.platform,
    basePrefix: info.basePrefix,
  };
}

/** The cache key and the tool-cache folder (RUNNER_TOOL_CACHE/dvc/<version>/<variant>). */
export function installationKey(dvcVersion: string, extras: readonly string[], python: PythonInfo) {
  const interpreter = createHash('sha256').update(python.basePrefix).digest('hex').slice(0, 8);
  const variant = `${extras.length ? extras.join('+') : 'base'}-${python.implementation}${python.version}-${python.platform}-${interpreter}`;
  return { key: `dvc-${dvcVersion}-${variant}`, variant };
}

export function venvPython(dir: string): string {
  return process.platform === 'win32' ? join(dir, 'Scripts', 'python.exe') : join(dir, 'bin', 'python');
}

/**
 * DVC in a virtualenv kept in the runner's tool cache, keyed by DVC version, extras, Python
 * and platform. Order: the tool cache (this machine), then the cross-job cache, then pip. A
 * virtualenv is tied to its absolute path, so it is always built and restored in place (the
 * tool-cache library's cacheDir copies, which would break it). A `.complete` marker beside the
 * folder, as the tool cache uses, says it finished; concurrent installs of one key take an OS
 * lock that dies with its holder (install-lock.ts).
 */
export async function installDvc(options: InstallOptions): Promise<Installation> {
  const started = Date.now();
  const info = await probePython(options.python, options.env);
  const { key, variant } = installationKey(options.dvcVersion, options.extras, info);
  const dir = join(options.toolCache, 'dvc', options.dvcVersion, variant);
  const done = (source: Installation['source']): Installation => ({
    python: venvPython(dir),
    dir,
    key,
    source,
    ms: Date.now() - started,
  });
  if (isComplete(dir, key)) return done('tool-cache');

  const lock = {
    python: options.python,
    env: options.env,
    timeoutMs: options.lockTimeoutMs ?? 600_000,
    logger: options.logger,
  };
  return withInstallLock(`${dir}.install-lock`, lock, async () => {
    if (isComplete(dir, key)) return done('tool-cache');
    if (options.cache) {
      let restored = false;
      try {
        restored = await options.cache.restore(dir, key);
      } catch (error) {
        options.logger.warning(`Could not restore the DVC installation from the cache: ${(error as Error).message}`);
      }
      if (restored && existsSync(venvPython(dir))) {
        markComplete(dir, key);
        return done('actions-cache');
      }
    }
    await pipInstall(dir, options, info);
    markComplete(dir, key);
    const installed = done('installed');
    if (options.cache) {
      try {
        await options.cache.save(dir, key);
      } catch (error) {
        options.logger.warning(`Could not save the DVC installation to the cache: ${(error as Error).message}`);
      }
    }
    return installed;
  });
}

async function pipInstall(dir: string, options: InstallOptions, info: PythonInfo): Promise<void> {
  const requirement = `dvc${options.extras.length ? `[${options.extras.join(',')}]` : ''}==${options.dvcVersion}`;
  options.logger.info(`Installing ${requirement} with Python ${info.version} into ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  const step = async (what: string, command: string, args: string[]) => {
    const result = await runUnderDeadline(command, args, { env: options.env, deadline: options.deadline });
    if (result.code === 0) return;
    rmSync(dir, { recursive: true, force: true });
    if (result.stoppedBy) {
      throw new DeadlineExceededError(
        `${what} was stopped: ${result.stoppedBy} has passed before it finished, so DVC is not installed and nothing was pushed. Check that the package index answers from this runner (PIP_INDEX_URL, proxy), or raise the step's timeout`,
      );
    }
    const output = result.stderr.trim().split('\n').slice(-15).join('\n');
    throw new InstallError(`${what} failed: ${output || `exit code ${result.code}`}`);
  };
  await step('Creating the virtualenv', options.python, ['-m', 'venv', dir]);
  await step(`pip install ${requirement}`, venvPython(dir), [
    '-m',
    'pip',
    'install',
    '--no-input',
    '--disable-pip-version-check',
    '--quiet',
    requirement,
  ]);
}

function isComplete(dir: string, _key: string): boolean {
  return existsSync(`${dir}.complete`) && existsSync(venvPython(dir));
}

function markComplete(dir: string, key: string): void {
  writeFileSync(`${dir}.complete`, `${key}\n`);
}
