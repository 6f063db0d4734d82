// dvc-push's subprocesses run under the step's deadline: against a remote or a package index that
// accepts the connection and never answers (so the work cannot finish, however fast the machine),
// the deadline stops `dvc push` and pip with one error saying what happened, what it means and what
// to do, and kills their process groups: nothing is left running.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Deadline } from '../../packages/action-kit/src/http/index.js';
import { memoryLogger } from '../../packages/action-kit/src/logger.js';
import { DeadlineExceededError } from '../../packages/action-kit/src/subprocess.js';
import { updateLocalConfig } from '../../packages/dvc/src/config.js';
import { installDvc } from '../../packages/dvc/src/install.js';
import { MOTO_CREDENTIALS } from '../helpers/moto.js';
import { survivorsCarrying } from '../helpers/test-run.js';
import { scaled } from '../helpers/timeouts.js';
import { startSilentServer } from '../helpers/upstream.js';
import { makeRepo, type DvcRepo } from './fixtures.js';
import { pushWithRealDvc } from './push-helper.js';

/** Marks the processes a test starts (inherited by their children), to find any left behind. */
const MARKER = 'MLOPS_DVC_DEADLINE_TEST';
/**
 * Many times DVC's start-up (under a second on an idle machine) and the virtualenv pip installs
 * into (about 3 s idle, 9 s at a load of 12 on 2 cores): the deadline lands on the network call,
 * which can never finish.
 */
const PUSH_DEADLINE_MS = scaled(10_000);
const PIP_DEADLINE_MS = scaled(30_000);

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function silentServer() {
  const server = await startSilentServer();
  cleanups.push(() => server.stop());
  return server;
}

describe('dvc-push under the step deadline', () => {
  it(
    'a dvc push to a remote that never answers is stopped: a deadline failure with its hint, and no DVC process left',
    async () => {
      const silent = await silentServer();
      const repo: DvcRepo = makeRepo({ remote: false });
      cleanups.push(() => repo.cleanup());
      updateLocalConfig(join(repo.root, '.dvc'), 'remote "s3"', {
        url: 's3://models/store',
        endpointurl: silent.url,
        region: 'us-east-1',
      });

      const { result } = await pushWithRealDvc(repo.root, {
        remote: 's3',
        deadline: Deadline.after(PUSH_DEADLINE_MS, 'the test deadline'),
        env: { ...MOTO_CREDENTIALS, AWS_EC2_METADATA_DISABLED: 'true', [MARKER]: 'push' },
        // The remote holds nothing (answered here, so the push itself is what meets the silent server).
        wrap: (dvc) => ({ dvc: (argv) => dvc.dvc(argv), exists: async () => [] }),
      });

      expect(result.failure).toEqual({
        category: 'deadline',
        message: 'dvc push was stopped: the test deadline has passed before the remote answered',
        hint: "What reached the remote stays there (pushing is idempotent): run the step again to send the rest. Check that the remote answers from this runner, or raise the step's timeout",
      });
      expect(result.attempts).toBe(1);
      expect(silent.connections).toBeGreaterThan(0);
      expect(await survivorsCarrying(MARKER, 'push', scaled(10_000))).toEqual([]);
    },
    PUSH_DEADLINE_MS + scaled(60_000),
  );

  it(
    'pip against an index that never answers is stopped: a deadline error, nothing installed, no pip left',
    async () => {
      const silent = await silentServer();
      const toolCache = mkdtempSync(join(tmpdir(), 'tool-cache-'));
      cleanups.push(() => rmSync(toolCache, { recursive: true, force: true }));

      const error = await installDvc({
        python: 'python3',
        dvcVersion: '3.67.1',
        extras: [],
        toolCache,
        // pip's own timeouts are longer than the deadline: the deadline is what stops it. No version
        // check, which would take the silent index to the virtualenv's ensurepip already.
        env: {
          ...process.env,
          PIP_INDEX_URL: `${silent.url}/simple`,
          PIP_FIND_LINKS: '',
          PIP_DEFAULT_TIMEOUT: '600',
          PIP_DISABLE_PIP_VERSION_CHECK: '1',
          [MARKER]: 'pip',
        },
        logger: memoryLogger(),
        deadline: Deadline.after(PIP_DEADLINE_MS, 'the test deadline'),
      }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect((error as Error).message).toBe(
        "pip install dvc==3.67.1 was stopped: the test deadline has passed before it finished, so DVC is not installed and nothing was pushed. Check that the package index answers from this runner (PIP_INDEX_URL, proxy), or raise the step's timeout",
      );
      expect(silent.connections).toBeGreaterThan(0);
      expect(existsSync(join(toolCache, 'dvc', '3.67.1'))).toBe(true);
      expect(await survivorsCarrying(MARKER, 'pip', scaled(10_000))).toEqual([]);
    },
    PIP_DEADLINE_MS + scaled(60_000),
  );
});
