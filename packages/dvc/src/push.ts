import { backoffDelay } from '@mlops-actions/action-kit/http';
import type { Logger } from '@mlops-actions/action-kit/logger';
import { DeadlineExceededError } from '@mlops-actions/action-kit/subprocess';
import { categorize, type DvcFailure } from './exit-codes.js';
import type { TrackedObject } from './objects.js';
import type { PushPlan } from './plan.js';
import { remoteObjectPath } from './remote.js';
import type { CommandResult, ObjectGroup, PresentObject } from './session.js';

/** What the push needs from a DVC process (DvcSession in production). */
export interface DvcRunner {
  dvc(argv: string[]): Promise<CommandResult>;
  exists(groups: ObjectGroup[], jobs?: number): Promise<PresentObject[]>;
}

export interface PushOptions {
  plan: PushPlan;
  /** The remote `dvc push -r` gets. */
  remote: string;
  /** Display URL (no credentials) of each remote in the plan, for the objects' remote paths. */
  remoteUrls: Record<string, string>;
  targets: readonly string[];
  jobs?: number;
  /** Extra attempts of the whole `dvc push` after a transient failure. */
  retries: number;
  allowMissingCache: boolean;
  verify: boolean;
  dvc: DvcRunner;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface PushedFile {
  path: string;
  md5: string;
  size: number | null;
  remote: string;
  /** Where the object now lives, e.g. s3://bucket/store/files/md5/ab/cdef… */
  object: string;
}

export interface PushFailure {
  message: string;
  category: DvcFailure['category'] | 'missing-cache' | 'not-verified' | 'deadline';
  hint?: string;
  exitCode?: number;
}

export interface PushResult {
  /** Files (directory outputs expanded, manifests left out) whose content reached the remote in this run. */
  pushed: PushedFile[];
  alreadyPresentCount: number;
  /** Directory manifests uploaded in this run. */
  manifestsPushed: number;
  /** Files in neither the local cache nor the remote. */
  missing: TrackedObject[];
  /** Files that should have been pushed but are still not in the remote afterwards. */
  stillMissing: TrackedObject[];
  attempts: number;
  /** Milliseconds spent asking the remote before and after, and in `dvc push` itself. */
  timings: { checkBefore: number; push: number; checkAfter: number };
  /** `dvc push` did not need to run. */
  skipped: boolean;
  failure?: PushFailure;
}

/** What a push the step's deadline stopped means, and what to do. */
const DEADLINE_HINT =
  "What reached the remote stays there (pushing is idempotent): run the step again to send the rest. Check that the remote answers from this runner, or raise the step's timeout";

const RETRY_POLICY = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 2000, maxDelayMs: 30_000 };
const LISTED = 20;

/**
 * A checkable `dvc push`: asks the remote which objects it lacks, refuses (unless allowed) when
 * some are in neither the local cache nor the remote, pushes with whole-command retries, asks
 * the remote again, and reports exactly which files arrived. Anything that should have arrived
 * and did not is a failure. Never throws for an upstream failure: the result carries it, so the
 * caller can still report what happened.
 */
export async function pushData(options: PushOptions): Promise<PushResult> {
  const { plan, logger } = options;
  const result: PushResult = {
    pushed: [],
    alreadyPresentCount: 0,
    manifestsPushed: 0,
    missing: [],
    stillMissing: [],
    attempts: 0,
    timings: { checkBefore: 0, push: 0, checkAfter: 0 },
    skipped: false,
  };
  const timed = async <T>(phase: keyof PushResult['timings'], fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      result.timings[phase] += Date.now() - started;
      logger.debug(`${phase}: ${result.timings[phase]} ms`);
    }
  };

  const before = await timed('checkBefore', () => checkRemote(options, plan.objects, 'before the push', result));
  if (!before) return result;
  const absent = plan.objects.filter((object) => !before.has(keyOf(object)));
  result.alreadyPresentCount = plan.objects.filter((o) => !o.manifest && before.has(keyOf(o))).length;
  result.missing = absent.filter((object) => !object.inLocalCache);
  const toPush = absent.filter((object) => object.inLocalCache);

  for (const output of plan.unlistable) {
    const manifestPresent = before.has(`${output.remote ?? options.remote}|${output.legacy}|${output.md5}`);
    if (manifestPresent)
      logger.warning(
        `${output.path}: its directory manifest is not in the local cache, so its files were not checked (the remote has the manifest)`,
      );
  }
  if (result.missing.length) {
    const list = describe(result.missing);
    if (!options.allowMissingCache) {
      result.failure = {
        category: 'missing-cache',
        message: `${result.missing.length} tracked object(s) are in neither the local cache nor the remote, so they cannot be pushed: ${list}`,
        hint: "Run 'dvc pull' or reproduce the outputs (dvc repro / dvc add) before pushing, or set allow-missing-cache: true",
      };
      return result;
    }
    logger.warning(`Not in the local cache nor the remote (allowed by allow-missing-cache): ${list}`);
  }

  if (toPush.length === 0) {
    logger.info(
      `Everything is already in the remote (${plan.objects.length} object(s) checked); dvc push is not needed`,
    );
    result.skipped = true;
    return result;
  }

  logger.info(
    `${toPush.length} object(s) to push: ${countFiles(toPush)} file(s) and ${toPush.length - countFiles(toPush)} directory manifest(s)`,
  );
  const push = await timed('push', () => pushWithRetries(options, result));
  if (push.stopped) {
    result.failure = { category: 'deadline', message: push.stopped.message, hint: DEADLINE_HINT };
    return result;
  }

  let arrived: Set<string>;
  if (options.verify) {
    arrived = (await timed('checkAfter', () => checkRemote(options, toPush, 'after the push', result))) ?? new Set();
  } else {
    arrived = push.ok ? new Set(toPush.map(keyOf)) : new Set();
  }
  const reached = toPush.filter((object) => arrived.has(keyOf(object)));
  result.pushed = reached.filter((o) => !o.manifest).map((object) => pushedFile(object, options.remoteUrls));
  result.manifestsPushed = reached.filter((o) => o.manifest).length;
  result.stillMissing = toPush.filter((object) => !arrived.has(keyOf(object)));

  if (push.failure) {
    result.failure = {
      category: push.failure.category,
      exitCode: push.failure.exitCode,
      message: `dvc push failed (exit code ${push.failure.exitCode}, ${push.failure.category})${push.failure.detail ? `: ${push.failure.detail}` : ''}`,
      hint: push.failure.hint,
    };
  } else if (result.failure) {
    // the check after the push failed: already recorded
  } else if (result.stillMissing.length) {
    result.failure = {
      category: 'not-verified',
      message: `dvc push succeeded, but ${result.stillMissing.length} object(s) are still not in the remote: ${describe(result.stillMissing)}`,
      hint: notVerifiedHint(result.stillMissing, before, options.remoteUrls),
    };
  } else {
    crossCheck(push.output, new Set(toPush.map(keyOf)).size, logger);
  }
  return result;
}

async function pushWithRetries(
  options: PushOptions,
  result: PushResult,
): Promise<{ ok: boolean; output: string; failure?: DvcFailure; stopped?: DeadlineExceededError }> {
  const argv = [
    'push',
    '-r',
    options.remote,
    ...(options.jobs ? ['-j', String(options.jobs)] : []),
    ...options.targets,
  ];
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (;;) {
    result.attempts++;
    let exitCode: number, output: string;
    try {
      ({ exitCode, output } = await options.dvc.dvc(argv));
    } catch (error) {
      if (error instanceof DeadlineExceededError) return { ok: false, output: '', stopped: error };
      throw error;
    }
    if (exitCode === 0) return { ok: true, output };
    const failure = categorize(exitCode, output);
    if (!failure.retryable || result.attempts > options.retries) return { ok: false, output, failure };
    const delay = backoffDelay(result.attempts, RETRY_POLICY, options.random ?? Math.random);
    options.logger.warning(
      `dvc push failed (exit code ${exitCode}, ${failure.category}); attempt ${result.attempts + 1} of ${options.retries + 1} in ${Math.round(delay / 100) / 10}s`,
    );
    await sleep(delay);
  }
}

/** The remote's answer, or undefined with the failure recorded in the result. */
async function checkRemote(
  options: PushOptions,
  objects: readonly TrackedObject[],
  when: string,
  result: PushResult,
): Promise<Set<string> | undefined> {
  try {
    return await presentIn(options, objects);
  } catch (error) {
    if (error instanceof DeadlineExceededError) {
      result.failure = { category: 'deadline', message: error.message, hint: DEADLINE_HINT };
      return undefined;
    }
    const output = `${(error as Error).message}\n${(error as { output?: string }).output ?? ''}`;
    const failure = categorize(255, output);
    result.failure = {
      category: failure.category,
      message: `Could not ask the remote which objects it holds (${when}): ${(error as Error).message}`,
      hint: failure.hint,
    };
    return undefined;
  }
}

async function presentIn(options: PushOptions, objects: readonly TrackedObject[]): Promise<Set<string>> {
  const groups = new Map<string, ObjectGroup>();
  for (const object of objects) {
    const id = `${object.remote}|${object.legacy}`;
    const group = groups.get(id) ?? { remote: object.remote, legacy: object.legacy, oids: [] };
    if (!group.oids.includes(object.md5)) group.oids.push(object.md5);
    groups.set(id, group);
  }
  const present = await options.dvc.exists([...groups.values()], options.jobs);
  return new Set(present.map((p) => `${p.remote}|${p.legacy}|${p.oid}`));
}

/**
 * DVC takes a directory as complete once its `.dir` manifest is in the remote, and a push of a
 * path inside the directory uploads that manifest too: the directory's other files then never
 * get pushed. Deleting the manifest from the remote lets the next push upload them.
 */
function notVerifiedHint(
  stillMissing: readonly TrackedObject[],
  before: Set<string>,
  urls: Record<string, string>,
): string {
  const manifests = new Set<string>();
  for (const object of stillMissing) {
    if (object.inManifest && before.has(`${object.remote}|${object.legacy}|${object.inManifest}`)) {
      manifests.add(remoteObjectPath(urls[object.remote] ?? object.remote, object.inManifest, object.legacy));
    }
  }
  if (manifests.size === 0) return 'Check per-output remote: fields and the remote URL, then rerun the push';
  return `DVC skips the files of a directory whose manifest is already in the remote (left there by a push of a path inside it): delete ${[...manifests].join(', ')} from the remote and push again`;
}

function keyOf(object: TrackedObject): string {
  return `${object.remote}|${object.legacy}|${object.md5}`;
}

function pushedFile(object: TrackedObject, remoteUrls: Record<string, string>): PushedFile {
  const url = remoteUrls[object.remote] ?? object.remote;
  return {
    path: object.path,
    md5: object.md5,
    size: object.size,
    remote: object.remote,
    object: remoteObjectPath(url, object.md5, object.legacy),
  };
}

/** DVC's own count ("N files pushed") counts objects, manifests included; it should match ours. */
function crossCheck(output: string, expected: number, logger: Logger): void {
  const match = /(\d+) files? pushed/.exec(output);
  const reported = match ? Number(match[1]) : /Everything is up to date/.test(output) ? 0 : undefined;
  if (reported !== undefined && reported !== expected) {
    logger.warning(
      `DVC reported ${reported} object(s) pushed where ${expected} were missing from the remote before the push`,
    );
  }
}

function countFiles(objects: readonly TrackedObject[]): number {
  return objects.filter((object) => !object.manifest).length;
}

function describe(objects: readonly TrackedObject[]): string {
  const shown = objects.slice(0, LISTED).map((object) => `${object.path} (${object.md5})`);
  const more = objects.length > LISTED ? `, and ${objects.length - LISTED} more` : '';
  return `${shown.join(', ')}${more}`;
}
