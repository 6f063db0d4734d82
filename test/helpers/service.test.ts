import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureServerRuns, startFixtureServer } from '../fixtures/teardown/fixture-server.js';
import { spawnOwned, stopAbandonedStarts, stopOwned } from './service.js';
import { currentRunId, OWNER_VARIABLE, processesOf } from './test-run.js';

const pids = (process.env.TEARDOWN_FIXTURE_PIDS = mkdtempSync(join(tmpdir(), 'service-test-')));
const recorded = (what: string) =>
  readdirSync(join(pids, 'abandoned'))
    .filter((pid) => readFileSync(join(pids, 'abandoned', pid), 'utf8') === what)
    .map(Number);
const alive = (pid: number) => processesOf(currentRunId()).some((p) => p.pid === pid);

afterAll(() => {
  // the helper left its process group: the run's teardown would end it, this file does it now
  for (const pid of recorded('helper')) process.kill(pid, 'SIGKILL');
  rmSync(pids, { recursive: true, force: true });
});

describe('spawnOwned', () => {
  it('registers the process for teardown before it returns, and marks its environment', async () => {
    const child = spawnOwned(process.execPath, ['-e', `console.log(process.env.${OWNER_VARIABLE})`]);
    expect(alive(child.pid!)).toBe(true); // by its registered group, before it ran a line
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => (printed += chunk));
    await new Promise((resolve) => child.once('close', resolve));
    await stopOwned(child);
    expect(printed.trim()).toBe(currentRunId());
    expect(alive(child.pid!)).toBe(false);
  });
});

// Last in this file: it tears the file's services down, as test/helpers/jest-setup.ts does after all tests.
describe('stopAbandonedStarts', () => {
  it('stops a service whose start-up nobody awaits any more, then refuses to spawn', async () => {
    const starting = startFixtureServer('abandoned', 503); // never ready
    await fixtureServerRuns('abandoned');
    const [server] = recorded('server');
    expect(alive(server!)).toBe(true);

    await stopAbandonedStarts();

    expect(alive(server!)).toBe(false);
    await expect(starting).rejects.toThrow('teardown fixture (503) exited with SIGTERM before it was ready');
    expect(() => spawnOwned(process.execPath, ['--version'])).toThrow(
      `not starting ${process.execPath}: its test file has already been torn down`,
    );
  });
});
