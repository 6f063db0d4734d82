// git's network commands run under the step's deadline: against a remote that accepts the
// connection and never answers (so the command cannot finish, however fast the machine), the
// deadline stops it with one error saying what happened and what to do, and kills git's whole
// process group, its remote helper (git-remote-http, which holds the connection) included.
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { Deadline } from '@mlops-actions/action-kit/http';
import { memoryLogger } from '@mlops-actions/action-kit/logger';
import { DeadlineExceededError } from '@mlops-actions/action-kit/subprocess';
import { testDeadline } from '../../../test/helpers/deadline.js';
import { survivorsCarrying } from '../../../test/helpers/test-run.js';
import { scaled } from '../../../test/helpers/timeouts.js';
import { startSilentServer } from '../../../test/helpers/upstream.js';
import { GitBranchWriter, commitRaceSafe, gitRunner, parseImageRef, type GitRun } from '../src/index.js';
import { LocalRemote, git, predictorOf } from './git-helpers.js';

const MANIFEST = [
  'apiVersion: serving.kserve.io/v1beta1',
  'kind: InferenceService',
  'metadata:',
  '  name: churn',
  'spec:',
  '  predictor:',
  '    containers:',
  '      - name: kserve-container',
  '        image: ghcr.io/acme/churn:1.0.0',
  '',
].join('\n');
const SHORT_MS = 500;
/** Marks the processes one test starts (inherited by git's helpers), to find any left behind. */
const MARKER = 'MLOPS_GIT_DEADLINE_TEST';

let silent: Awaited<ReturnType<typeof startSilentServer>> | undefined;
const remotes: LocalRemote[] = [];
afterEach(async () => {
  await silent?.stop();
  silent = undefined;
});
afterAll(() => remotes.forEach((remote) => remote.remove()));

async function silentRemote(): Promise<string> {
  silent = await startSilentServer();
  return `${silent.url}/acme/gitops.git`;
}

function checkout(): { origin: LocalRemote; clone: string } {
  const origin = new LocalRemote({ 'apps/churn.yaml': MANIFEST });
  remotes.push(origin);
  return { origin, clone: origin.clone() };
}

/** A git runner whose every command gets a fresh short deadline, starting when it is spawned. */
function shortDeadlineGit(clone: string, mark: string): GitRun {
  return (args, options) =>
    gitRunner(clone, Deadline.after(SHORT_MS, 'the short test deadline'), { [MARKER]: mark })(args, options);
}

const bump = { target: predictorOf('churn'), image: parseImageRef('ghcr.io/acme/churn:2.0.0') };

describe('git under the step deadline, against a remote that never answers', () => {
  it('a fetch is stopped with the deadline error, and its process group is gone', async () => {
    const { clone } = checkout();
    git(clone, 'remote', 'set-url', 'origin', await silentRemote());
    const writer = new GitBranchWriter({
      git: shortDeadlineGit(clone, 'fetch'),
      branch: 'main',
      logger: memoryLogger(),
    });

    const error = await writer.head().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toBe(
      "git fetch was stopped: the short test deadline has passed before it finished, so the bump stopped there. Check that the GitOps remote answers from this runner, or raise the step's timeout",
    );
    expect(silent!.connections).toBeGreaterThan(0);
    expect(await survivorsCarrying(MARKER, 'fetch', scaled(10_000))).toEqual([]);
  });

  it('a push is stopped with the deadline error naming the unknown outcome; the remote is untouched', async () => {
    const { origin, clone } = checkout();
    // Fetches reach the real repository; only the push goes to the silent one.
    git(clone, 'remote', 'set-url', '--push', 'origin', await silentRemote());
    const roomy = gitRunner(clone, testDeadline());
    const short = shortDeadlineGit(clone, 'push');
    const run: GitRun = (args, options) => (args[0] === 'push' ? short : roomy)(args, options);
    const before = origin.head();

    const error = await commitRaceSafe(new GitBranchWriter({ git: run, branch: 'main', logger: memoryLogger() }), {
      request: bump,
      bumpId: 'deadline-push',
      logger: memoryLogger(),
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toMatch(
      /^git push to main was stopped: the short test deadline has passed before the remote answered, so whether commit [0-9a-f]{12} landed is unknown\. Look at main; running the bump again is safe/,
    );
    expect(silent!.connections).toBeGreaterThan(0);
    expect(origin.head()).toBe(before);
    expect(await survivorsCarrying(MARKER, 'push', scaled(10_000))).toEqual([]);
  });

  it('a command is not started once the deadline has passed', async () => {
    const { clone } = checkout();
    const result = await gitRunner(clone, Deadline.after(-1, 'the spent deadline'))(['rev-parse', 'HEAD']);
    expect(result).toMatchObject({ code: null, stoppedBy: 'the spent deadline' });
    expect(result.stdout.length).toBe(0);
  });
});
