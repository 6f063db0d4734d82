/**
 * GitHub Enterprise Server: every action that talks to GitHub or writes a link to it takes the
 * addresses from the runner's GITHUB_API_URL and GITHUB_SERVER_URL, as a GHES runner sets them
 * (https://<host>/api/v3, https://<host>). Each bundle runs with a GHES-style API on loopback
 * (http://127.0.0.1:<port>/api/v3, GraphQL at /api/graphql) and a non-github.com server URL,
 * and no input naming either: a request to api.github.com would fail (no network), a link to
 * github.com is asserted absent.
 *
 * Actions without a GitHub call or link: dvc-push and kserve-health-check (nothing to prove).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalRemote, git } from '../../packages/gitops/__tests__/git-helpers.js';
import { githubInputs, runWait, withSimulator } from '../argocd/scenario.js';
import { FakeGitHub } from '../fakes/github/server.js';
import { runMlflowFixture, startMlflow, type MlflowServer } from '../helpers/mlflow.js';
import { runAction, type ActionResult } from '../helpers/run-action.js';
import { scaled } from '../helpers/timeouts.js';

const TOKEN = 'ghs_ghesToken0123456789abcdef';
const SERVER_URL = 'https://ghe.example.com';
const RUN_URL = `${SERVER_URL}/acme/model-repo/actions/runs/4242`;
const ISVC = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: churn
spec:
  predictor:
    model:
      modelFormat:
        name: sklearn
      storageUri: s3://models/churn/v1
`;

/** Everything the action showed or returned, for "no github.com anywhere". */
const visible = (result: ActionResult) =>
  [result.stdout, result.stderr, result.summary, JSON.stringify(result.outputs)].join('\n');

describe('bump-kserve-image on GHES', () => {
  let remote: LocalRemote;
  let fake: FakeGitHub;
  const env = () => ({ GITHUB_API_URL: fake.apiUrl, GITHUB_SERVER_URL: SERVER_URL });
  const bump = (storageUri: string, extra: Record<string, string> = {}) =>
    runAction('bump-kserve-image', {
      inputs: {
        'storage-uri': storageUri,
        'inference-service': 'churn',
        repository: 'acme/gitops',
        token: TOKEN,
        ...extra,
      },
      env: env(),
    });

  beforeAll(async () => {
    remote = new LocalRemote({ 'apps/churn/isvc.yaml': ISVC });
    fake = await FakeGitHub.start(TOKEN, { 'acme/gitops': { bare: remote.bare } });
    fake.webUrl = SERVER_URL;
  });
  afterAll(async () => {
    await fake.stop();
    remote.remove();
  });

  it('commits through the API at GITHUB_API_URL (REST under /api/v3, GraphQL at /api/graphql)', async () => {
    fake.requests.length = 0;
    const result = await bump('s3://models/churn/v2');
    expect(result.errors).toEqual([]);
    const sha = remote.head();
    expect(result.outputs).toMatchObject({
      'commit-sha': sha,
      'commit-url': `${SERVER_URL}/acme/gitops/commit/${sha}`,
    });
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.filter((r) => !/^\/api\/(v3\/|graphql$)/.test(r.path))).toEqual([]);
    expect(fake.requests.some((r) => r.path === '/api/graphql' && r.operation === 'createCommitOnBranch')).toBe(true);
    expect(git(remote.bare, 'log', '-1', '--format=%B', 'main')).toContain(`Run-Url: ${RUN_URL}`);
    expect(visible(result)).not.toMatch(/github\.com/);
  });

  it('opens the pull request there, and links to it on the instance', async () => {
    const result = await bump('s3://models/churn/v3', { 'commit-method': 'pull-request' });
    expect(result.errors).toEqual([]);
    expect(result.outputs['pull-request-url']).toMatch(new RegExp(`^${SERVER_URL}/acme/gitops/pull/\\d+$`));
    expect(visible(result)).not.toMatch(/github\.com/);
  });

  it('commit-method git: the commit link points at the instance', async () => {
    const clone = remote.clone();
    const result = await runAction('bump-kserve-image', {
      inputs: {
        'storage-uri': 's3://models/churn/v4',
        'inference-service': 'churn',
        'commit-method': 'git',
        token: TOKEN,
        path: clone,
      },
      cwd: clone,
      env: { ...env(), GITHUB_REPOSITORY: 'acme/gitops' },
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs['commit-url']).toBe(`${SERVER_URL}/acme/gitops/commit/${remote.head()}`);
    expect(git(remote.bare, 'log', '-1', '--format=%B', 'main')).toContain(
      `Run-Url: ${SERVER_URL}/acme/gitops/actions/runs/4242`,
    );
  });
});

describe('wait-argocd-sync on GHES', () => {
  it('asks the compare API at GITHUB_API_URL whether a newer commit contains ours', async () => {
    await withSimulator({}, async (sim) => {
      expect(sim.githubUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
      sim.deployedApp('iris');
      const ours = sim.push();
      const newer = sim.push();
      const result = await runWait(sim, { revision: ours, ...githubInputs });
      expect(result.errors).toEqual([]);
      expect(result.outputs).toMatchObject({ revision: newer, superseded: 'true' });
      expect(sim.server.count('GET', /^\/api\/v3\/repos\/acme\/gitops\/compare\//)).toBeGreaterThan(0);
    });
  });
});

describe('mlflow-gate-and-register on GHES', () => {
  let server: MlflowServer;
  let runId: string;

  beforeAll(async () => {
    server = await startMlflow();
    const logged = await runMlflowFixture<{ runs: { run_id: string }[] }>(server, 'log_runs', {
      experiment: 'ghes',
      runs: [{ name: 'baseline', metrics: { accuracy: 0.8 } }],
    });
    runId = logged.runs[0]!.run_id;
  }, scaled(240_000));
  afterAll(() => server?.stop());

  it(
    'tags the registered version with the run URL on the instance',
    async () => {
      const result = await runAction('mlflow-gate-and-register', {
        inputs: {
          'tracking-uri': server.url,
          'run-id': runId,
          'model-name': 'churn-ghes',
          thresholds: JSON.stringify({ accuracy: { threshold: 0.5, greater_is_better: true } }),
        },
        env: { GITHUB_SERVER_URL: SERVER_URL, GITHUB_API_URL: `${SERVER_URL}/api/v3` },
        timeoutMs: scaled(120_000),
      });
      expect(result.errors).toEqual([]);
      const url = new URL(`${server.url}/api/2.0/mlflow/model-versions/get`);
      url.search = new URLSearchParams({ name: 'churn-ghes', version: result.outputs.version ?? '' }).toString();
      const body = (await (await fetch(url)).json()) as { model_version: { tags: { key: string; value: string }[] } };
      const tags = Object.fromEntries(body.model_version.tags.map((tag) => [tag.key, tag.value]));
      expect(tags['mlops.workflow_run_url']).toBe(`${RUN_URL}/attempts/1`);
      expect(visible(result)).not.toMatch(/github\.com/);
    },
    scaled(180_000),
  );
});
