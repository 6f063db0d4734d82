import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { formatDuration } from '@mlops-actions/action-kit/parse';
import type { Logger } from '@mlops-actions/action-kit/logger';

/**
 * Holds an OS file lock (flock; msvcrt on Windows) on argv[1] for as long as its stdin stays
 * open: the action closes it when done, and the kernel closes it when the action dies, however it
 * dies. Prints "busy" when another process holds the lock, then "locked" once it is ours, after
 * writing argv[2] (who holds it) into the file for the next waiter to read.
 */
const LOCK_SCRIPT = String.raw`
import os, sys
path, owner = sys.argv[1], sys.argv[2]
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
try:
    import fcntl
    def lock(block):
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
except ImportError:
    import msvcrt, time
    def lock(block):
        while True:
            try:
                return msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            except OSError:
                if not block:
                    raise BlockingIOError()
                time.sleep(0.2)
try:
    lock(False)
except BlockingIOError:
    print("busy", flush=True)
    lock(True)
os.ftruncate(fd, 0)
os.write(fd, owner.encode())
print("locked", flush=True)
sys.stdin.read()
`;

export interface InstallLockOptions {
  /** The interpreter that holds the lock (the one that builds the virtualenv). */
  python: string;
  env: NodeJS.ProcessEnv;
  /** How long to wait for another holder; 0 tries once. */
  timeoutMs: number;
  logger: Logger;
}

export class InstallLockError extends Error {
  override name = 'InstallLockError';
}

/**
 * Runs `fn` holding the install lock at `path`. The lock belongs to a process tied to this one,
 * so it never outlives its holder: a cancelled or killed job leaves nothing that stalls the next.
 */
export async function withInstallLock<T>(path: string, options: InstallLockOptions, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const owner = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    run: options.env.GITHUB_RUN_ID,
    job: options.env.GITHUB_JOB,
    since: new Date().toISOString(),
  });
  const holder = spawn(options.python, ['-c', LOCK_SCRIPT, path, owner], { env: options.env, stdio: 'pipe' });
  const exited = new Promise<void>((resolve) => holder.once('close', () => resolve()));
  try {
    await acquired(holder, path, options);
  } catch (error) {
    holder.kill('SIGKILL');
    await exited;
    throw error;
  }
  try {
    return await fn();
  } finally {
    holder.stdin.end();
    await exited;
  }
}

function acquired(holder: ChildProcessWithoutNullStreams, path: string, options: InstallLockOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let stderr = '';
  holder.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const settle = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      lines.close();
      if (error) reject(error);
      else resolve();
    };
    const lines = createInterface({ input: holder.stdout });
    lines.on('line', (line) => {
      if (line === 'locked') return settle();
      if (line !== 'busy') return;
      const whom = describeHolder(path);
      options.logger.info(`Waiting for ${whom} to finish installing DVC into the same folder (lock ${path})`);
      const giveUp = () =>
        settle(
          new InstallLockError(
            `Gave up after ${formatDuration(options.timeoutMs)} waiting for ${whom} to finish installing DVC (lock ${path}); re-run the job once it is done`,
          ),
        );
      timer = setTimeout(giveUp, Math.max(0, deadline - Date.now()));
    });
    holder.once('error', (error) =>
      settle(new InstallLockError(`Could not take the install lock ${path}: ${error.message}`)),
    );
    holder.once('close', (code) => {
      const why = stderr.trim().split('\n').pop() || `exit code ${code}`;
      settle(new InstallLockError(`Could not take the install lock ${path}: ${why}`));
    });
  });
}

/** Who holds the lock, from what the holder wrote into it (one line; it is another job's text). */
function describeHolder(path: string): string {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string | number | undefined>;
    const job = [owner.run && `run ${owner.run}`, owner.job && `job ${owner.job}`].filter(Boolean).join(', ');
    const text = `pid ${owner.pid} on ${owner.host}${job ? ` (${job})` : ''}, holding it since ${owner.since}`;
    return text.replace(/[\r\n]+/g, ' ');
  } catch {
    return 'another process (it has not said who it is yet)';
  }
}
