import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { Deadline } from './http/deadline.js';

/** A command the step's deadline stopped; the message says what, what it means and what to do. */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
}

/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ChildUnderDeadline {
  child: ChildProcess;
  /** The deadline's name (e.g. "the step's timeout (4s)") once it has killed the process group. */
  stoppedBy(): string | undefined;
}

/**
 * Spawns `command` (argv, no shell) as the leader of its own process group, bound to `deadline`:
 * when the deadline passes, the whole group is killed — the command and what it started (git's
 * remote helpers, pip's builds), which would otherwise hold a connection open after it. The group
 * is also killed when the leader exits or this process does, so nothing outlives the step.
 * Returns undefined, spawning nothing, when the deadline has already passed.
 */
export function spawnUnderDeadline(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { deadline: Deadline },
): ChildUnderDeadline | undefined {
  const { deadline, ...spawnOptions } = options;
  if (deadline.passed()) return undefined;
  const child = spawn(command, args, { ...spawnOptions, detached: true });
  let stoppedBy: string | undefined;
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  const timer = setTimeout(
    () => {
      stoppedBy = deadline.what;
      killGroup();
    },
    Math.min(deadline.remaining(), MAX_TIMER_MS),
  );
  process.once('exit', killGroup);
  child.once('exit', () => {
    clearTimeout(timer);
    process.removeListener('exit', killGroup);
    killGroup();
  });
  child.once('error', () => {
    clearTimeout(timer);
    process.removeListener('exit', killGroup);
  });
  return { child, stoppedBy: () => stoppedBy };
}

export interface RunResult {
  /** null when a signal ended it (the deadline, among others). */
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** The deadline's name when it stopped the command (or the command never started because it had passed). */
  stoppedBy?: string;
}

/** Runs a command to its end under the deadline (see spawnUnderDeadline), with optional stdin. */
export function runUnderDeadline(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Buffer; deadline: Deadline },
): Promise<RunResult> {
  const { input, ...rest } = options;
  return new Promise((resolve, reject) => {
    const started = spawnUnderDeadline(command, args, { ...rest, stdio: ['pipe', 'pipe', 'pipe'] });
    if (!started) {
      resolve({ code: null, stdout: Buffer.alloc(0), stderr: '', stoppedBy: options.deadline.what });
      return;
    }
    const { child, stoppedBy } = started;
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err, stoppedBy: stoppedBy() }));
    child.stdin!.on('error', () => {});
    child.stdin!.end(input ?? '');
  });
}
