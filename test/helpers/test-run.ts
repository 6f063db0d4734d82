import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One test run (a jest invocation, or scripts/test.sh around it) and the processes its tests start.
 * Every such process carries OWNER_VARIABLE=<run id> in its environment, which its descendants
 * inherit, and its process group is written down the moment it is spawned; so when the run ends,
 * whatever is left (a start-up abandoned by a jest timeout, a server of a crashed jest worker, a
 * grandchild that left its group) is found in /proc and stopped, not by luck or by waiting.
 */

/** The run's id, inherited by jest's workers: set by scripts/test.sh, else by jest's globalSetup. */
export const RUN_VARIABLE = 'MLOPS_TEST_RUN';
/** Carried by every process a test starts, and by their descendants: the id of the run that owns it. */
export const OWNER_VARIABLE = 'MLOPS_TEST_OWNED_BY';

export function newRunId(): string {
  return randomBytes(8).toString('hex');
}

/** The current run's id; a process outside any run (e.g. a benchmark) becomes a run of its own. */
export function currentRunId(): string {
  return (process.env[RUN_VARIABLE] ||= newRunId());
}

function registry(runId: string): string {
  return join(tmpdir(), `mlops-test-run-${runId}`);
}

/** Writes down a process group the run must end, before anything else can happen to it. */
export function registerGroup(runId: string, pgid: number): void {
  mkdirSync(registry(runId), { recursive: true });
  writeFileSync(join(registry(runId), String(pgid)), '');
}

export function unregisterGroup(runId: string, pgid: number): void {
  rmSync(join(registry(runId), String(pgid)), { force: true });
}

export interface TestProcess {
  pid: number;
  pgid: number;
  command: string;
}

/** Live (not zombie) processes of the run: those carrying its marker and those in a group it registered. */
export function processesOf(runId: string): TestProcess[] {
  const groups = new Set(registeredGroups(runId));
  return liveProcesses((pgid, environ) => groups.has(pgid) || environ.includes(`${OWNER_VARIABLE}=${runId}`));
}

/**
 * Live processes whose environment holds `name=value`: a process and all its descendants, whatever
 * process group or session they moved to (the way the Actions runner finds a job's leftover
 * processes at its end, by RUNNER_TRACKING_ID).
 */
export function processesCarrying(name: string, value: string): TestProcess[] {
  return liveProcesses((_pgid, environ) => environ.includes(`${name}=${value}`));
}

/**
 * Waits (up to `waitMs`) until no live process carries `name=value`; kills and returns those still
 * there then, so a test can assert none was left behind and leave nothing either way.
 */
export async function survivorsCarrying(name: string, value: string, waitMs: number): Promise<TestProcess[]> {
  const until = Date.now() + waitMs;
  let left = processesCarrying(name, value);
  while (left.length > 0 && Date.now() < until) {
    await pause(50);
    left = processesCarrying(name, value);
  }
  for (const survivor of left) signalQuietly(survivor.pid, 'SIGKILL');
  return left;
}

function liveProcesses(match: (pgid: number, environ: string[]) => boolean): TestProcess[] {
  const found: TestProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const fields = statFields(entry);
    if (!fields || fields[0] === 'Z' || fields[0] === 'X') continue;
    const pgid = Number(fields[2]);
    if (match(pgid, (read(`/proc/${entry}/environ`) ?? '').split('\0'))) {
      const command = (read(`/proc/${entry}/cmdline`) ?? '').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), pgid, command });
    }
  }
  return found;
}

/**
 * Ends every process of the run: SIGTERM to each group and process, SIGKILL to what is still there
 * after `graceMs`, and returns once none is left (or throws naming the survivors). Returns what it
 * found, so the caller can say which processes the tests had left running.
 */
export async function reapRun(runId: string, graceMs = 5000): Promise<TestProcess[]> {
  const found = processesOf(runId);
  const ownGroup = groupOf(process.pid);
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    let left = processesOf(runId);
    if (left.length === 0) break;
    for (const p of left) {
      if (p.pgid !== ownGroup) signalQuietly(-p.pgid, signal);
      signalQuietly(p.pid, signal);
    }
    const deadline = Date.now() + graceMs;
    while ((left = processesOf(runId)).length > 0 && Date.now() < deadline) await pause(50);
    if (signal === 'SIGKILL' && left.length > 0) {
      throw new Error(`test processes survived SIGKILL: ${left.map(describeProcess).join('; ')}`);
    }
  }
  rmSync(registry(runId), { recursive: true, force: true });
  return found;
}

/** Ends the current run's processes, saying on stderr which ones the tests had left running. */
export async function endRun(): Promise<void> {
  const left = await reapRun(currentRunId());
  if (left.length > 0) {
    console.error(`\nstopped ${left.length} test process(es) left running: ${left.map(describeProcess).join('; ')}`);
  }
}

function describeProcess(p: TestProcess): string {
  return `pid ${p.pid} (${p.command.slice(0, 120)})`;
}

/** The fields of /proc/<pid>/stat after "pid (comm)": state ppid pgrp …; comm may hold spaces and parentheses. */
function statFields(pid: string): string[] | undefined {
  const stat = read(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Whether `pid` is a live process (a zombie, dead but not yet reaped by its parent, is not). */
export function isRunning(pid: number): boolean {
  const state = statFields(String(pid))?.[0];
  return state !== undefined && state !== 'Z' && state !== 'X';
}

function groupOf(pid: number): number | undefined {
  const fields = statFields(String(pid));
  return fields ? Number(fields[2]) : undefined;
}

function registeredGroups(runId: string): number[] {
  try {
    return readdirSync(registry(runId)).map(Number);
  } catch {
    return [];
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone, or not ours to read
  }
}

function signalQuietly(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // already gone
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
