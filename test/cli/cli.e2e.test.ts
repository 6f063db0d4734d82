// The bundled CLI (packages/cli/dist) run as a GitLab job or a laptop would run it, against the
// same stand-ins the action tests use: KServe's model server, the Argo CD simulator, MLflow, a bare
// GitOps repository and DVC with a directory remote. No GITHUB_* variable is set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scaled } from '../helpers/timeouts.js';
import { LocalRemote } from '../../packages/gitops/__tests__/git-helpers.js';
import { TOKENS, startArgoCdSimulator, type ArgoCdSimulator } from '../fakes/argocd/index.js';
import { TEST_TOOL_CACHE, makeRepo, type DvcRepo } from '../dvc/fixtures.js';
import { startKServe } from '../helpers/kserve.js';
import { runMlflowFixture, startMlflow, type MlflowServer } from '../helpers/mlflow.js';
import { repoRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import type { Service } from '../helpers/service.js';

describe('mlops-actions kserve-health-check', () => {
  let kserve: Service;
  beforeAll(async () => {
    kserve = await startKServe({ models: ['echo'] });
  }, scaled(120_000));
  afterAll(async () => kserve?.stop());

  it('passes on the right answer and exits 1 on a wrong one', async () => {
    const args = [
      'kserve-health-check',
      '--url',
      kserve.url,
      '--model',
      'echo',
      '--payload',
      '{"instances": [[1, 2]]}',
    ];
    const ok = await runCli([...args, '--expected', '[3]']);
    expect(ok.stderr).not.toContain('error:');
    expect(ok.exitCode).toBe(0);
    expect(ok.outputs).toMatchObject({ ready: 'true', protocol: 'v1' });
    expect(JSON.parse(ok.outputs.response!)).toEqual({ predictions: [3] });

    const wrong = await runCli([...args, '--expected', '[4]', '--json']);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toMatch(/^error: .*/m);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ ready: 'true', protocol: 'v1' });
  });
});

describe('mlops-actions wait-argocd-sync', () => {
  let sim: ArgoCdSimulator;
  beforeAll(async () => {
    sim = await startArgoCdSimulator({ pollingIntervalMs: 180_000 });
  });
  afterAll(async () => sim?.stop());

  it('waits for the revision, and never prints the token', async () => {
    const { sha } = sim.deployedApp('iris');
    const result = await runCli(
      ['wait-argocd-sync', '--application', 'iris', '--revision', sha, '--poll-interval', '200ms', '--timeout', '20s'],
      { env: { INPUT_SERVER: sim.url, INPUT_TOKEN: TOKENS.ci } },
    );
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ revision: sha, 'sync-status': 'Synced', 'health-status': 'Healthy' });
    expect(result.stdout + result.stderr).not.toContain(TOKENS.ci);
  });
});

describe('mlops-actions bump-kserve-image', () => {
  const remote = new LocalRemote({
    'apps/iris/inference.yaml': readFileSync(
      join(repoRoot, 'test', 'fixtures', 'gitops', 'custom-predictor.yaml'),
      'utf8',
    ),
  });
  afterAll(() => remote.remove());

  it('commits the bump with git and links the GitLab job in the commit', async () => {
    const clone = remote.clone();
    const jobUrl = 'https://gitlab.example.com/acme/model/-/jobs/77';
    const result = await runCli(
      [
        'bump-kserve-image',
        '--image=ghcr.io/acme/iris:1.5.0',
        '--inference-service=custom-model',
        '--namespace=models',
        '--commit-method=git',
        `--path=${clone}`,
      ],
      { cwd: clone, env: { CI_JOB_URL: jobUrl, CI_JOB_ID: '77' } },
    );
    expect(result.stderr).not.toContain('error:');
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({
      changed: 'true',
      'commit-sha': remote.head(),
      image: 'ghcr.io/acme/iris:1.5.0',
    });
    expect(remote.show('apps/iris/inference.yaml')).toContain('ghcr.io/acme/iris:1.5.0');
    expect(readFileSync(join(clone, '.git', 'HEAD'), 'utf8')).toBeTruthy();
  });
});

describe('mlops-actions mlflow-gate-and-register', () => {
  let server: MlflowServer;
  let runId: string;
  beforeAll(async () => {
    server = await startMlflow();
    const logged = await runMlflowFixture<{ runs: { run_id: string }[] }>(server, 'log_runs', {
      experiment: 'cli',
      runs: [{ name: 'candidate', metrics: { accuracy: 0.9 } }],
    });
    runId = logged.runs[0]!.run_id;
  }, scaled(240_000));
  afterAll(async () => server?.stop());

  it(
    'gates and registers from a --config file, provenance linking the job',
    async () => {
      const { mkdtempSync, writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const config = join(mkdtempSync(join(tmpdir(), 'cli-mlflow-')), 'gate.yaml');
      writeFileSync(
        config,
        `tracking-uri: ${server.url}\nmodel-name: cli-model\nthresholds:\n  accuracy: {threshold: 0.8, greater_is_better: true}\n`,
      );
      const result = await runCli(['mlflow-gate-and-register', '--config', config, '--run-id', runId], {
        env: { CI_JOB_URL: 'https://gitlab.example.com/acme/model/-/jobs/78' },
      });
      expect(result.stderr).not.toContain('error:');
      expect(result.exitCode).toBe(0);
      expect(result.outputs).toMatchObject({
        passed: 'true',
        version: '1',
        'model-uri': 'models:/cli-model/1',
        'run-id': runId,
      });
    },
    scaled(120_000),
  );
});

describe('mlops-actions dvc-push', () => {
  let repo: DvcRepo;
  beforeAll(() => {
    repo = makeRepo();
  });
  afterAll(() => repo.cleanup());

  it(
    'pushes to the directory remote and reports the files',
    async () => {
      // The working directory is the workspace, as in a CI job's checkout.
      const result = await runCli(['dvc-push', '--summary', '-'], {
        cwd: repo.root,
        env: { MLOPS_TOOL_CACHE: TEST_TOOL_CACHE, DVC_NO_ANALYTICS: '1' },
      });
      expect(result.stderr).not.toContain('error:');
      expect(result.exitCode).toBe(0);
      expect(result.outputs).toMatchObject({ 'pushed-count': '5', remote: 'local', 'remote-url': repo.remoteDir });
      expect(result.stdout).toContain('dvc push');
    },
    scaled(420_000),
  );
});
