import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { memoryLogger, type Logger } from '@mlops-actions/action-kit/logger';
import { installDvc, installationKey, probePython } from '../src/install.js';
import { freePort, spawnOwned, stopOwned } from '../../../test/helpers/service.js';
import { testDeadline } from '../../../test/helpers/deadline.js';
import { repoRoot } from '../../../test/helpers/paths.js';
import { processesCarrying } from '../../../test/helpers/test-run.js';
import { scaled } from '../../../test/helpers/timeouts.js';

const HOLDER = join(dirname(fileURLToPath(import.meta.url)), 'install-holder.ts');

/** A package index that accepts connections and never answers: a pip talking to it stays mid-install. */
async function silentIndex() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/simple`,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    },
  };
}

/** Another job installing DVC into `toolCache`, as its own process; resolves once it holds the lock. */
function startHolder(toolCache: string, indexUrl: string, trackingId: string) {
  const child = spawnOwned(process.execPath, ['--import', 'tsx', HOLDER, toolCache, indexUrl], {
    cwd: repoRoot,
    env: { ...process.env, GITHUB_RUN_ID: '77', GITHUB_JOB: 'holder', RUNNER_TRACKING_ID: trackingId },
  });
  let output = '';
  const installing = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (/^Installing dvc==/m.test(output)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before installing: ${output}`)));
  });
  return { child, installing };
}

/** Resolves once no process of the group is left (the kernel has released everything they held). */
async function groupGone(pgid: number, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`process group ${pgid} still alive after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function install(toolCache: string, logger: Logger, lockTimeoutMs?: number) {
  const closedIndex = `http://127.0.0.1:${await freePort()}/simple`;
  return installDvc({
    python: 'python3',
    dvcVersion: '3.67.1',
    extras: [],
    toolCache,
    env: { ...process.env, PIP_INDEX_URL: closedIndex, PIP_FIND_LINKS: '', PIP_RETRIES: '0' },
    logger,
    lockTimeoutMs,
    deadline: testDeadline(),
  });
}

describe('the DVC install lock', () => {
  it(
    'a wait names the holder; a holder killed mid-install (SIGKILL) leaves nothing that stalls the next install',
    async () => {
      const toolCache = mkdtempSync(join(tmpdir(), 'tool-cache-'));
      const index = await silentIndex();
      const { variant } = installationKey('3.67.1', [], await probePython('python3', process.env));
      // What the previous implementation left behind when killed: it must not matter.
      mkdirSync(join(toolCache, 'dvc', '3.67.1', `${variant}.lock`), { recursive: true });
      const trackingId = `install-lock-${process.pid}`;
      const holder = startHolder(toolCache, index.url, trackingId);
      try {
        await holder.installing;
        const pid = holder.child.pid!;

        // The holder is alive and cannot finish (its index never answers): a try-once install names it.
        const waiting = memoryLogger();
        await expect(install(toolCache, waiting, 0)).rejects.toThrow(
          new RegExp(`^Gave up after 0ms waiting for pid ${pid} on .+ \\(run 77, job holder\\), holding it since `),
        );
        expect(waiting.lines).toEqual([
          expect.stringMatching(new RegExp(`^info: Waiting for pid ${pid} on .+ \\(run 77, job holder\\)`)),
        ]);

        // Cancelled, then cleaned up as the runner does at the job's end: SIGKILL to every process
        // carrying the job's RUNNER_TRACKING_ID (pip runs in a process group of its own).
        process.kill(-pid, 'SIGKILL');
        for (const left of processesCarrying('RUNNER_TRACKING_ID', trackingId)) process.kill(left.pid, 'SIGKILL');
        await groupGone(pid, scaled(30_000));

        // Its lock died with it: the next install (default lock timeout: 10 minutes) does not wait at
        // all, and goes on to pip (which fails here, its index being a closed port).
        const next = memoryLogger();
        await expect(install(toolCache, next)).rejects.toThrow(/^pip install dvc==3\.67\.1 failed/);
        expect(next.lines.filter((line) => line.includes('Waiting'))).toEqual([]);
        expect(next.lines).toContainEqual(expect.stringMatching(/^info: Installing dvc==3\.67\.1 /));
      } finally {
        await stopOwned(holder.child);
        index.close();
        rmSync(toolCache, { recursive: true, force: true });
      }
    },
    scaled(180_000),
  );
});
