import { spawn, type ChildProcess, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createServer } from 'node:net';
import { scaled } from './timeouts.js';
import { currentRunId, OWNER_VARIABLE, registerGroup, unregisterGroup } from './test-run.js';

export interface ServiceSpec {
  name: string;
  command: string;
  /** Built from the port the service gets. */
  args: (port: number) => string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Path polled with GET until it answers; the service is ready when `isReady` says so. */
  readyPath: string;
  isReady?: (status: number) => boolean;
  /** Replaces the GET of `readyPath`, for a peer that speaks HTTPS or no HTTP at all. */
  probe?: (port: number) => Promise<boolean>;
  /** Default 60 s; stretched by scaled(). */
  startTimeoutMs?: number;
}

export interface Service {
  name: string;
  port: number;
  /** The process started (the leader of its group). */
  pid: number | undefined;
  /** http://127.0.0.1:<port> */
  url: string;
  logs(): string;
  stop(): Promise<void>;
}

/** Every process this test file started and has not stopped, with the promise of its exit. */
const running = new Map<ChildProcess, Promise<void>>();
/** Those whose startService() has not returned: nobody else holds them. */
const starting = new Set<ChildProcess>();
/** Set once the file's teardown ran: a start-up jest has given up on must not spawn anything more. */
let tornDown = false;

// Whatever happens to the test process, no peer outlives it (a killed jest worker runs no handler:
// the run's teardown finds those by their marker, see test-run.ts).
process.once('exit', () => {
  for (const child of running.keys()) killGroup(child, 'SIGKILL');
});

/** How an owned process is started: everything but its stdio (no stdin; stdout and stderr piped). */
export type OwnedSpawnOptions = Omit<SpawnOptions, 'stdio' | 'detached'>;
export type OwnedProcess = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Spawns a process a test owns: in its own process group, with the run's marker in its environment
 * (inherited by everything it starts), and registered for teardown before this returns, so that a
 * jest timeout or a crash at any later point cannot leak it. Stop it with stopOwned().
 */
export function spawnOwned(command: string, args: string[], options: OwnedSpawnOptions = {}): OwnedProcess {
  if (tornDown) throw new Error(`not starting ${command}: its test file has already been torn down`);
  const runId = currentRunId();
  const child = spawn(command, args, {
    ...options,
    env: { ...(options.env ?? process.env), [OWNER_VARIABLE]: runId },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid !== undefined) registerGroup(runId, child.pid);
  running.set(
    child,
    new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve()); // never spawned
    }),
  );
  return child;
}

/** Ends an owned process's whole group: SIGTERM, then SIGKILL after `graceMs` or once the leader is gone. */
export async function stopOwned(child: ChildProcess, graceMs = 5000): Promise<void> {
  const exited = running.get(child);
  if (!exited) return;
  running.delete(child);
  starting.delete(child);
  killGroup(child, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
  await Promise.race([exited, gaveUp]);
  clearTimeout(timer);
  killGroup(child, 'SIGKILL'); // the leader's stragglers, or the leader itself
  await exited;
  if (child.pid !== undefined) unregisterGroup(currentRunId(), child.pid);
}

export interface OwnedRun {
  /** The exit code, or the signal that ended it. */
  exit: number | NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end as an owned process (see spawnOwned): a jest timeout or crash meanwhile
 * cannot leave it, or anything it started, running.
 */
export async function runOwned(command: string, args: string[], options: OwnedSpawnOptions = {}): Promise<OwnedRun> {
  const child = spawnOwned(command, args, options);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const exit = await new Promise<OwnedRun['exit']>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? signal));
  });
  await stopOwned(child); // whatever it left in its group
  return { exit, stdout, stderr };
}

/**
 * The file's teardown (test/helpers/jest-setup.ts): stops the services whose start-up a jest timeout
 * abandoned, which no test can reach to stop, and refuses any later spawn from such a start-up.
 */
export async function stopAbandonedStarts(): Promise<void> {
  tornDown = true;
  await Promise.all([...starting].map((child) => stopOwned(child)));
}

/** A port nobody listens on right now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real peer on an ephemeral 127.0.0.1 port in its own process group, waits until it
 * answers, and hands back a stop() that ends the whole group. A peer that exits or never answers
 * fails the start with its last log lines.
 */
export async function startService(spec: ServiceSpec): Promise<Service> {
  const port = await freePort();
  const child = spawnOwned(spec.command, spec.args(port), {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env } as NodeJS.ProcessEnv,
  });
  starting.add(child);
  let logs = '';
  const keep = (chunk: Buffer) => {
    logs = (logs + chunk.toString('utf8')).slice(-64_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let ended: string | undefined;
  child.once('exit', (code, signal) => (ended = `exited with ${code ?? signal}`));
  child.once('error', (error) => (ended = `could not be started (${error.message})`));

  const url = `http://127.0.0.1:${port}`;
  const service: Service = {
    name: spec.name,
    port,
    pid: child.pid,
    url,
    logs: () => logs,
    stop: () => stopOwned(child),
  };
  try {
    const startTimeoutMs = scaled(spec.startTimeoutMs ?? 60_000);
    const deadline = Date.now() + startTimeoutMs;
    const isReady = spec.isReady ?? ((status: number) => status < 500);
    while (Date.now() < deadline) {
      if (ended) throw new Error(`${spec.name} ${ended} before it was ready:\n${tail(logs)}`);
      if (await (spec.probe ? spec.probe(port) : answers(`${url}${spec.readyPath}`, isReady))) return service;
      await delay(150);
    }
    throw new Error(
      `${spec.name} did not answer on ${url}${spec.readyPath} within ${startTimeoutMs} ms:\n${tail(logs)}`,
    );
  } catch (error) {
    await service.stop();
    throw error;
  } finally {
    starting.delete(child);
  }
}

async function answers(url: string, isReady: (status: number) => boolean): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return isReady(response.status);
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(text: string, lines = 30): string {
  return text.split('\n').slice(-lines).join('\n');
}
