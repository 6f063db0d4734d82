// The bundled bump-kserve-image run as the runner runs it (Node 24, INPUT_*, GITHUB_OUTPUT…),
// against a real bare repository (git), the GitHub API fake (api) and moto (ECR).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MOTO_REGISTRY as REGISTRY, MotoEcr } from '../../packages/ecr/__tests__/moto-seed.js';
import { LocalRemote, git } from '../../packages/gitops/__tests__/git-helpers.js';
import { FakeGitHub } from '../fakes/github/server.js';
import { motoEnv, startMoto } from '../helpers/moto.js';
import { repoRoot } from '../helpers/paths.js';
import { runAction } from '../helpers/run-action.js';
import type { Service } from '../helpers/service.js';

const TOKEN = 'ghs_e2eSecretToken0123456789';
const CREDENTIAL = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
const fixture = (name: string) => readFileSync(join(repoRoot, 'test', 'fixtures', 'gitops', name), 'utf8');

const remotes: LocalRemote[] = [];
function gitopsRepo(): LocalRemote {
  const remote = new LocalRemote({
    'apps/iris/inference.yaml': fixture('custom-predictor.yaml'),
    'apps/legacy/multi.yaml': fixture('multi-doc.yaml'),
    'apps/crlf/isvc.yaml': fixture('crlf-isvc.yaml'),
    'runtimes/kustomization.yaml': fixture('kustomization.yaml'),
    'charts/iris/values.yaml': fixture('values.yaml'),
  });
  remotes.push(remote);
  return remote;
}
afterAll(() => remotes.forEach((r) => r.remove()));

function expectNoSecret(result: { stdout: string; stderr: string; summary: string; outputs: Record<string, string> }) {
  const visible = [
    result.stdout.replace(/^::add-mask::.*$/gm, ''),
    result.stderr,
    result.summary,
    JSON.stringify(result.outputs),
  ].join('\n');
  expect(visible).not.toContain(TOKEN);
  expect(visible).not.toContain(CREDENTIAL);
}

describe('bump-kserve-image bundle, commit-method git', () => {
  it('bumps, commits, pushes, reports; a re-run is a no-op', async () => {
    const remote = gitopsRepo();
    const clone = remote.clone();
    const before = remote.show('apps/iris/inference.yaml');
    const inputs = {
      image: 'ghcr.io/acme/iris:1.5.0',
      'storage-uri': 'pvc://models/iris/v8/',
      'inference-service': 'custom-model',
      namespace: 'models',
      'commit-method': 'git',
      token: TOKEN,
      path: clone,
    };
    const result = await runAction('bump-kserve-image', {
      inputs,
      cwd: clone,
      env: { GITHUB_REPOSITORY: 'acme/gitops' },
    });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.changed).toBe('true');
    expect(result.outputs['commit-sha']).toBe(remote.head());
    expect(result.outputs['commit-url']).toBe(`https://github.com/acme/gitops/commit/${remote.head()}`);
    expect(JSON.parse(result.outputs.files!)).toEqual(['apps/iris/inference.yaml']);
    expect(result.outputs['previous-image']).toBe('ghcr.io/acme/iris:1.4.0');
    expect(result.outputs['previous-storage-uri']).toBe('pvc://models/iris/v7/');
    expect(result.outputs.diff).toContain(
      '+        image: ghcr.io/acme/iris:1.5.0 # {"$imagepolicy": "flux-system:iris"}',
    );
    expect(remote.show('apps/iris/inference.yaml')).toBe(
      before.replace('iris:1.4.0 #', 'iris:1.5.0 #').replace('pvc://models/iris/v7/', 'pvc://models/iris/v8/'),
    );
    // Later steps of the job see the pushed commit in the checkout, not a branch behind origin.
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(result.outputs['commit-sha']);
    expect(git(clone, 'status', '--porcelain', '--branch')).toBe('## main...origin/main');
    expect(readFileSync(join(clone, 'apps/iris/inference.yaml'), 'utf8')).toBe(remote.show('apps/iris/inference.yaml'));
    expect(git(remote.bare, 'log', '-1', '--format=%B', 'main')).toContain(
      'Run-Url: https://github.com/acme/gitops/actions/runs/4242',
    );
    expect(result.summary).toContain('bump-kserve-image: custom-model');
    expect(result.summary).toContain('spec.predictor.containers[kserve-container].image');
    expect(result.masks).toEqual(expect.arrayContaining([TOKEN, CREDENTIAL]));
    expectNoSecret(result);

    const again = await runAction('bump-kserve-image', { inputs, cwd: clone });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.changed).toBe('false');
    expect(again.outputs['commit-sha']).toBe('');
    expect(again.stdout).toContain('already at the target');
  });

  it("real users' files: a newName-only kustomize entry at its value is a no-op; pushgateway's tag bump changes the tag line only", async () => {
    const corpus = (path: string) => readFileSync(join(repoRoot, 'test', 'fixtures', 'corpus', path), 'utf8');
    const values = corpus('prometheus-community/helm-charts/charts/prometheus-pushgateway/values.yaml');
    const remote = new LocalRemote({
      'redis/kustomization.yaml': corpus('argoproj/argo-cd/manifests/base/redis/kustomization.yaml'),
      'pushgateway/values.yaml': values,
    });
    remotes.push(remote);
    const clone = remote.clone();
    const head = remote.head();
    const bump = (inputs: Record<string, string>) =>
      runAction('bump-kserve-image', { inputs: { 'commit-method': 'git', path: clone, ...inputs }, cwd: clone });

    const redis = { kustomization: 'redis/kustomization.yaml', 'kustomize-image-name': 'redis' };
    const same = await bump({ ...redis, image: 'public.ecr.aws/docker/library/redis' });
    expect(same.errors).toEqual([]);
    expect(same.outputs.changed).toBe('false');
    expect(remote.head()).toBe(head);

    const helm = await bump({
      'helm-values': 'pushgateway/values.yaml',
      image: 'quay.io/prometheus/pushgateway:v1.11.0',
    });
    expect(helm.errors).toEqual([]);
    expect(remote.show('pushgateway/values.yaml')).toBe(values.replace('\n  tag: ""\n', '\n  tag: "v1.11.0"\n'));
  });

  it('dry-run prints the diff and pushes nothing; CRLF file stays CRLF', async () => {
    const remote = gitopsRepo();
    const clone = remote.clone();
    const head = remote.head();
    const result = await runAction('bump-kserve-image', {
      inputs: {
        image: `${REGISTRY}/iris:2.0.0`,
        'inference-service': 'crlf-model',
        'commit-method': 'git',
        path: clone,
        'dry-run': true,
        'canary-traffic-percent': 10,
      },
      cwd: clone,
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.changed).toBe('true');
    expect(result.outputs.diff).toContain('+    canaryTrafficPercent: 10');
    expect(remote.head()).toBe(head);
  });

  it.each([
    [
      { image: 'ghcr.io/Acme/iris:1' },
      'Input \'image\' has invalid value "ghcr.io/Acme/iris:1": expected an image reference',
    ],
    [{ image: 'acme/iris@sha256:abc' }, '64 lowercase hex'],
    [
      { image: 'acme/iris:1', 'canary-traffic-percent': 101 },
      'Input \'canary-traffic-percent\' has invalid value "101": expected an integer from 0 to 100',
    ],
    [
      { image: 'acme/iris:1', component: 'router' },
      'Input \'component\' has invalid value "router": expected one of predictor, transformer, explainer',
    ],
    [{ image: 'acme/iris:1', 'pin-digest': true }, "Input 'pin-digest' needs verify-image: ecr"],
    [{ 'storage-uri': 'ftp://x/y' }, "Input 'storage-uri' has invalid value"],
    [{ image: 'acme/iris:1', files: 'nothing/**/*.yaml' }, 'matched no files'],
    [{ image: 'acme/iris:1', 'inference-service': 'absent' }, 'no InferenceService absent in 5 file(s); found: '],
    [
      { image: 'acme/iris:1', kustomization: 'runtimes/kustomization.yaml' },
      "Inputs 'inference-service' and 'kustomization' cannot be used together",
    ],
    [
      { image: 'acme/iris:1', 'max-severity': 'SEVERE' },
      'Input \'max-severity\' has invalid value "SEVERE": expected one of CRITICAL, HIGH, MEDIUM, LOW',
    ],
  ])('bad input %j fails with one clear line', async (extra, message) => {
    const remote = gitopsRepo();
    const clone = remote.clone();
    const head = remote.head();
    const result = await runAction('bump-kserve-image', {
      inputs: { 'inference-service': 'custom-model', 'commit-method': 'git', path: clone, token: TOKEN, ...extra },
      cwd: clone,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain(message);
    expect(result.errors[0]!.split('\n')).toHaveLength(1);
    expect(remote.head()).toBe(head);
    expectNoSecret(result);
  });
});

describe('bump-kserve-image bundle, commit-method api and pull-request', () => {
  let fake: FakeGitHub;
  let remote: LocalRemote;
  beforeAll(async () => {
    remote = gitopsRepo();
    fake = await FakeGitHub.start(TOKEN, { 'acme/gitops': { bare: remote.bare } });
  });
  afterAll(() => fake.stop());

  it('commits through GraphQL on a GHES-style API URL, with no checkout', async () => {
    const result = await runAction('bump-kserve-image', {
      inputs: {
        'storage-uri': 'gs://b/sklearn/2.0',
        'inference-service': 'sklearn-iris',
        repository: 'acme/gitops',
        token: TOKEN,
        'github-api-url': fake.apiUrl,
      },
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs['commit-sha']).toBe(remote.head());
    expect(remote.show('apps/legacy/multi.yaml')).toContain('storageUri: "gs://b/sklearn/2.0"');
    expect(fake.requests.every((r) => r.authorized && !r.path.includes(TOKEN))).toBe(true);
    expectNoSecret(result);
  });

  it('a token GitHub refuses: one line with the reason and the fix, the token never shown', async () => {
    const wrong = 'ghs_notTheRightToken987';
    const result = await runAction('bump-kserve-image', {
      inputs: {
        image: 'x/y:1',
        'inference-service': 'custom-model',
        repository: 'acme/gitops',
        token: wrong,
        'github-api-url': fake.apiUrl,
      },
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toEqual([
      expect.stringMatching(/reading repository acme\/gitops failed: .*401.*Bad credentials.*the token was refused/),
    ]);
    expect(result.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(wrong);
    fake.requests.splice(0);
  });

  it('opens a pull request', async () => {
    const result = await runAction('bump-kserve-image', {
      inputs: {
        image: 'ghcr.io/acme/iris:3.0.0',
        'inference-service': 'custom-model',
        repository: 'acme/gitops',
        token: TOKEN,
        'github-api-url': fake.apiUrl,
        'commit-method': 'pull-request',
      },
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs['pull-request-url']).toBe('https://github.com/acme/gitops/pull/1');
    expect(result.summary).toContain('Opened [#1]');
  });
});

describe('bump-kserve-image bundle, verify-image ecr against moto', () => {
  let moto: Service;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());

  it('pins the ECR digest and applies the scan gate (the AWS SDK chunk loads from dist)', async () => {
    const ecr = new MotoEcr(moto.url);
    await ecr.repository('iris');
    const digest = await ecr.pushImage('iris', '1.1.0', 'iris-1.1.0');
    await ecr.startScan('iris', { imageTag: '1.1.0' });
    ecr.destroy();

    const remote = gitopsRepo();
    const clone = remote.clone();
    const inputs = {
      image: `${REGISTRY}/iris:1.1.0`,
      'inference-service': 'crlf-model',
      'commit-method': 'git',
      path: clone,
      'verify-image': 'ecr',
      'pin-digest': true,
      'max-severity': 'critical',
    };
    const env = motoEnv(moto);
    const result = await runAction('bump-kserve-image', { inputs, cwd: clone, env });
    expect(result.errors).toEqual([]);
    expect(result.outputs['image-digest']).toBe(digest);
    expect(result.outputs.image).toBe(`${REGISTRY}/iris@${digest}`);
    expect(remote.show('apps/crlf/isvc.yaml')).toContain(`image: "${REGISTRY}/iris@${digest}"\r\n`);
    expect(result.stdout).toContain('ECR scan gate (CRITICAL) passed: HIGH 1');

    // moto's default finding is HIGH: a HIGH gate fails and nothing is committed.
    const head = remote.head();
    const gated = await runAction('bump-kserve-image', {
      inputs: { ...inputs, image: `${REGISTRY}/iris:1.1.0`, 'max-severity': 'HIGH', 'pin-digest': false },
      cwd: clone,
      env,
    });
    expect(gated.exitCode).toBe(1);
    expect(gated.errors[0]).toMatch(/findings at or above HIGH .*HIGH 1/);
    expect(remote.head()).toBe(head);

    const missing = await runAction('bump-kserve-image', {
      inputs: { ...inputs, image: `${REGISTRY}/iris:9.9.9` },
      cwd: clone,
      env,
    });
    expect(missing.errors[0]).toContain(`${REGISTRY}/iris:9.9.9 is not in Amazon ECR`);
  });
});
