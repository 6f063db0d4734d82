// The runner passes every input default of action.yml as INPUT_* (actions/runner, ActionRunner.cs:
// "Merge the default inputs from the definition"), so an action cannot tell a default from a value
// the user set. Each bundle, given the fewest inputs a user would write and every default, must get
// past input validation: no conflict may come from a default.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { actionDefaults, runAction } from '../helpers/run-action.js';
import { freePort } from '../helpers/service.js';

const THRESHOLDS = '{"accuracy": {"threshold": 0.8, "greater_is_better": true}}';
const dvcRepo = mkdtempSync(join(tmpdir(), 'defaults-dvc-'));
mkdirSync(join(dvcRepo, '.dvc'));
afterAll(() => rmSync(dvcRepo, { recursive: true, force: true }));

/** The fewest inputs a user writes for each action; the upstream URL points where nothing listens. */
const MINIMAL: Record<string, (url: string) => Record<string, string>> = {
  'bump-kserve-image': (url) => ({
    image: 'ghcr.io/acme/iris:1.5.0',
    'inference-service': 'iris',
    'github-api-url': url,
  }),
  // working-directory keeps its default (.): the step runs in the DVC repository, the workspace.
  'dvc-push': () => ({}),
  'kserve-health-check': (url) => ({ url, model: 'iris', timeout: '1s' }),
  'mlflow-gate-and-register (run-id)': (url) => ({
    'tracking-uri': url,
    'model-name': 'iris',
    'run-id': 'abc123',
    thresholds: THRESHOLDS,
  }),
  'mlflow-gate-and-register (experiment-name)': (url) => ({
    'tracking-uri': url,
    'model-name': 'iris',
    'experiment-name': 'iris',
    thresholds: THRESHOLDS,
  }),
  'wait-argocd-sync': (url) => ({ server: url, token: 'argo-token', application: 'iris', timeout: '2s' }),
};

describe('every action with all action.yml defaults present, as the runner passes them', () => {
  it.each(Object.keys(MINIMAL))('%s accepts its own defaults', async (name) => {
    const action = name.split(' ')[0]!;
    const url = `http://127.0.0.1:${await freePort()}`;
    expect(Object.keys(actionDefaults(action, { token: 't', repository: 'a/b', api_url: url }))).not.toEqual([]);
    const result = await runAction(action, {
      inputs: MINIMAL[name]!(url),
      env: { GITHUB_API_URL: url },
      cwd: action === 'dvc-push' ? dvcRepo : undefined,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    // Past validation: the failure is about the unreachable upstream (or the empty DVC repository), not an input.
    expect(result.errors[0]).not.toMatch(/^Inputs? '|cannot be used|Give the candidate/);
  });
});
