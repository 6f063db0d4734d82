import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

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
  /** Default 60 s. */
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

const running = new Set<ChildProcess>();

// Whatever happens to the test process, no peer outlives it.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

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
  const child = spawn(spec.command, spec.args(port), {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  let logs = '';
  const keep = (chunk: Buffer) => {
    logs = (logs + chunk.toString('utf8')).slice(-64_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const service: Service = {
    name: spec.name,
    port,
    pid: child.pid,
    url,
    logs: () => logs,
    stop: async () => {
      if (!running.has(child)) return;
      running.delete(child);
      killGroup(child, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 5000)));
      const stopped = await Promise.race([exited.then(() => true), gaveUp]);
      clearTimeout(timer);
      if (!stopped) {
        killGroup(child, 'SIGKILL');
        await exited;
      }
    },
  };

  const deadline = Date.now() + (spec.startTimeoutMs ?? 60_000);
  const isReady = spec.isReady ?? ((status: number) => status < 500);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      running.delete(child);
      throw new Error(`${spec.name} exited with ${exitCode} before it was ready:\n${tail(logs)}`);
    }
    if (await (spec.probe ? spec.probe(port) : answers(`${url}${spec.readyPath}`, isReady))) return service;
    await delay(150);
  }
  await service.stop();
  throw new Error(
    `${spec.name} did not answer on ${url}${spec.readyPath} within ${spec.startTimeoutMs ?? 60_000} ms:\n${tail(logs)}`,
  );
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
