import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
import { runOwned, type OwnedRun } from './service.js';
import { isRunning, newRunId, processesOf, RUN_VARIABLE } from './test-run.js';
import { scaled } from './timeouts.js';

// A child jest runs test/fixtures/teardown/*.fixture.ts: one file's beforeAll times out while its
// server is starting, the other's server outlives a crash of its jest worker; each server starts a
// helper that leaves its process group. When that jest has exited, none of them may run.
const runId = newRunId();
const pids = mkdtempSync(join(tmpdir(), 'teardown-fixture-'));
// A cache of its own: with the timings of an earlier run (both fixtures are fast) jest runs the two
// files in band, and the fixture that kills its worker would kill the child jest itself.
const jestCache = mkdtempSync(join(tmpdir(), 'teardown-fixture-jest-cache-'));
let child: OwnedRun;

/** Every pid the fixtures' servers and helpers wrote, with what it was. */
function recorded(): { pid: number; what: string }[] {
  return readdirSync(pids).flatMap((fixture) =>
    readdirSync(join(pids, fixture)).map((pid) => ({
      pid: Number(pid),
      what: `${fixture} ${readFileSync(join(pids, fixture, pid), 'utf8')}`,
    })),
  );
}

beforeAll(async () => {
  child = await runOwned(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--no-warnings',
      join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--config',
      join(repoRoot, 'test', 'fixtures', 'teardown', 'jest.config.mjs'),
      '--ci',
      '--forceExit',
      '--maxWorkers=2',
      `--cacheDirectory=${jestCache}`,
    ],
    { cwd: repoRoot, env: { ...process.env, [RUN_VARIABLE]: runId, TEARDOWN_FIXTURE_PIDS: pids } },
  );
}, scaled(120_000));

afterAll(() => {
  // whatever a failure here left behind goes too
  for (const { pid } of recorded()) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  rmSync(pids, { recursive: true, force: true });
  rmSync(jestCache, { recursive: true, force: true });
});

describe('a test run that times out in beforeAll and loses a worker', () => {
  it('really did both, after starting its servers and their helpers', () => {
    expect(child.exit).toBe(1);
    expect(child.stderr).toContain('Exceeded timeout of 200 ms for a hook');
    expect(child.stderr).toMatch(/worker.*(terminated|crash|exceptions)/i);
    const what = recorded().map((r) => r.what);
    expect(what).toEqual(
      expect.arrayContaining(['times-out server', 'times-out helper', 'crashes server', 'crashes helper']),
    );
  });

  it('leaves none of them running once jest has exited', () => {
    expect(recorded().filter(({ pid }) => isRunning(pid))).toEqual([]);
    expect(processesOf(runId)).toEqual([]);
  });
});
