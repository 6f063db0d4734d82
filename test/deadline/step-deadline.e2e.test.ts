// Every request of every action runs under the step's deadline: against an upstream (an HTTP API,
// a git remote) that accepts the connection and never answers a byte, each bundle (run as the
// runner runs it) ends with an error naming its timeout instead of hanging on per-request
// timeouts and retries.
import { afterEach, describe, expect, it } from '@jest/globals';
import { runAction } from '../helpers/run-action.js';
import { scaled } from '../helpers/timeouts.js';
import { startSilentServer } from '../helpers/upstream.js';
import { LocalRemote, git } from '../../packages/gitops/__tests__/git-helpers.js';

const STEP_TIMEOUT = '4s';
const STEP_TIMEOUT_MS = 4_000;
// The bundle is killed well after its timeout plus start-up, yet long before the per-request
// timeouts (30 s an attempt, several attempts) would end it: a hang shows as `timedOut`.
const KILL_AFTER_MS = scaled(STEP_TIMEOUT_MS * 5);

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

const ISVC = [
  'apiVersion: serving.kserve.io/v1beta1',
  'kind: InferenceService',
  'metadata:',
  '  name: iris',
  'spec:',
  '  predictor:',
  '    containers:',
  '      - name: kserve-container',
  '        image: ghcr.io/acme/iris:1.4.0',
  '',
].join('\n');
const THRESHOLDS = '{"accuracy": {"threshold": 0.8, "greater_is_better": true}}';

describe(`with timeout: ${STEP_TIMEOUT} and an upstream that never answers`, () => {
  it.each([
    ['wait-argocd-sync', (url: string) => ({ server: url, token: 'argo-token', application: 'iris' })],
    [
      'bump-kserve-image',
      (url: string) => ({
        image: 'ghcr.io/acme/iris:1.5.0',
        'inference-service': 'iris',
        repository: 'acme/gitops',
        token: 'ghs_token',
        'github-api-url': url,
      }),
    ],
    [
      'mlflow-gate-and-register',
      (url: string) => ({ 'tracking-uri': url, 'model-name': 'iris', 'run-id': 'abc123', thresholds: THRESHOLDS }),
    ],
  ])(
    '%s stops at the timeout, saying so',
    async (action, inputs) => {
      const server = await startSilentServer();
      stop = server.stop;
      const result = await runAction(action, {
        inputs: { ...inputs(server.url), timeout: STEP_TIMEOUT },
        timeoutMs: KILL_AFTER_MS,
      });
      // Past the kill deadline the bundle was still running: it ignored its timeout.
      expect(result.timedOut).toBe(false);
      expect(result.exitCode).toBe(1);
      expect(server.connections).toBeGreaterThan(0);
      expect(result.errors).toEqual([expect.stringContaining(`the step's timeout (${STEP_TIMEOUT}) has passed`)]);
    },
    KILL_AFTER_MS + scaled(10_000),
  );
});

describe(`with timeout: ${STEP_TIMEOUT} and a git remote that never answers`, () => {
  it(
    'bump-kserve-image (commit-method git) stops its fetch at the timeout, saying so',
    async () => {
      const server = await startSilentServer();
      const origin = new LocalRemote({ 'apps/iris.yaml': ISVC });
      stop = async () => {
        await server.stop();
        origin.remove();
      };
      const clone = origin.clone();
      git(clone, 'remote', 'set-url', 'origin', `${server.url}/acme/gitops.git`);
      const result = await runAction('bump-kserve-image', {
        cwd: clone,
        inputs: {
          image: 'ghcr.io/acme/iris:1.5.0',
          'inference-service': 'iris',
          'commit-method': 'git',
          branch: 'main',
          timeout: STEP_TIMEOUT,
        },
        timeoutMs: KILL_AFTER_MS,
      });
      expect(result.timedOut).toBe(false);
      expect(result.exitCode).toBe(1);
      expect(server.connections).toBeGreaterThan(0);
      expect(result.errors).toEqual([
        expect.stringContaining(`git fetch was stopped: the step's timeout (${STEP_TIMEOUT}) has passed`),
      ]);
    },
    KILL_AFTER_MS + scaled(10_000),
  );
});
