import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Inputs, envInputSource, inputEnvName, localRunContext } from '@mlops-actions/action-kit/inputs';
import { readBumpOptions } from '../src/flow/inputs.js';
import { spec } from '../../../actions/bump-kserve-image/src/spec.generated.js';

const DIGEST = `sha256:${'e'.repeat(64)}`;

function settings(
  values: Record<string, string>,
  env: NodeJS.ProcessEnv = { GITHUB_REPOSITORY: 'acme/app' },
  workspace = tmpdir(),
) {
  const masked: string[] = [];
  const source = envInputSource(
    Object.fromEntries(Object.entries(values).map(([k, v]) => [inputEnvName(k), v])),
    (secret) => masked.push(secret),
  );
  const context = localRunContext(env, workspace);
  return { settings: readBumpOptions(new Inputs(source, { spec, context })), masked };
}

describe('readBumpOptions (bump-kserve-image inputs)', () => {
  it('an InferenceService bump with the defaults; the token is masked first', () => {
    const { settings: s, masked } = settings({
      token: 'ghs_x123',
      image: 'ghcr.io/acme/iris:2',
      'inference-service': 'iris',
    });
    expect(masked).toEqual(['ghs_x123']);
    expect(s).toMatchObject({
      method: 'api',
      repository: 'acme/app',
      apiUrl: 'https://api.github.com/',
      verifyImage: 'none',
      pinDigest: false,
      dryRun: false,
      scanTimeoutMs: 600_000,
      target: {
        kind: 'inference-service',
        name: 'iris',
        component: 'predictor',
        container: 'kserve-container',
        files: ['**/*.yaml', '**/*.yml'],
      },
      image: { registry: 'ghcr.io', path: 'acme/iris', tag: '2' },
    });
  });

  it('kustomization: the entry name follows the image unless given', () => {
    const { settings: s } = settings({
      token: 't',
      image: `ghcr.io/acme/iris@${DIGEST}`,
      kustomization: './deploy/kustomization.yaml',
    });
    expect(s.target).toEqual({
      kind: 'kustomization',
      path: 'deploy/kustomization.yaml',
      imageName: 'ghcr.io/acme/iris',
    });
    expect(s.kustomizeNameFromImage).toBe(true);
  });

  it('helm values with a dotted key; GHES API URL', () => {
    const { settings: s } = settings({
      token: 't',
      image: 'iris:2',
      'helm-values': 'charts/iris/values.yaml',
      'helm-image-key': 'model.image',
      'github-api-url': 'https://ghe.corp/api/v3',
    });
    expect(s.target).toEqual({ kind: 'helm-values', path: 'charts/iris/values.yaml', key: 'model.image' });
    expect(s.apiUrl).toBe('https://ghe.corp/api/v3');
  });

  it.each([
    [{}, "Input 'image' or 'storage-uri' is required"],
    [{ image: 'x:1' }, "Input 'inference-service' is required unless kustomization or helm-values is given"],
    [
      { image: 'x:1', 'inference-service': 'Iris' },
      'Input \'inference-service\' has invalid value "Iris": expected a Kubernetes name',
    ],
    [{ image: 'x:1', kustomization: '../other/kustomization.yaml' }, 'expected a path relative to the repository root'],
    [{ 'storage-uri': 's3://b/m', kustomization: 'k.yaml' }, "Input 'image' is required with kustomization"],
    [
      { image: 'x:1', 'helm-values': 'v.yaml', 'canary-traffic-percent': '10' },
      "Input 'canary-traffic-percent' needs inference-service",
    ],
    [
      { image: 'x:1', 'inference-service': 'iris', 'max-severity': 'HIGH' },
      "Input 'max-severity' needs verify-image: ecr",
    ],
    [
      { 'storage-uri': 's3://b/m', 'inference-service': 'iris', 'verify-image': 'ecr' },
      "Input 'verify-image' is ecr but no 'image' was given",
    ],
    [
      { image: 'x:1', 'inference-service': 'iris', 'commit-method': 'rebase' },
      'Input \'commit-method\' has invalid value "rebase": expected one of api, git, pull-request',
    ],
    [
      { image: 'x:1', 'inference-service': 'iris', branch: 'a..b' },
      'Input \'branch\' has invalid value "a..b": expected a branch name',
    ],
    [{ image: 'x:1', 'inference-service': 'iris', 'scan-timeout': '2h' }, "Input 'scan-timeout'"],
  ])('%j is refused: %s', (values, message) => {
    expect(() => settings({ token: 't', ...values })).toThrow(message);
  });

  it('a 10 kB image is refused in one short line naming the input (registry limits)', () => {
    let message = '';
    try {
      settings({ token: 't', image: `ghcr.io/acme/${'a'.repeat(10_000)}:1`, 'inference-service': 'iris' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Input 'image' has invalid value ".*…": expected .*registries accept at most 255$/);
    expect(message.split('\n')).toHaveLength(1);
    expect(message.length).toBeLessThan(500);
  });

  it('git: a path outside the workspace is refused in one line, unless allow-outside-workspace is true', () => {
    const workspace = realpathSync(mkdtempSync(join(tmpdir(), 'bump-ws-')));
    try {
      const git = { image: 'x:1', 'inference-service': 'iris', 'commit-method': 'git', path: '..' };
      expect(() => settings(git, {}, workspace)).toThrow(
        `Input 'path' has invalid value "..": expected a directory inside the workspace ${workspace} (this one resolves to ${dirname(workspace)}); set allow-outside-workspace: true to use it anyway`,
      );
      const allowed = settings({ ...git, 'allow-outside-workspace': 'true' }, {}, workspace);
      expect(allowed.settings.path).toBe(dirname(workspace));
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('the api method needs a token and a repository; git needs neither', () => {
    expect(() => settings({ image: 'x:1', 'inference-service': 'iris' })).toThrow(
      "Input 'token' is required with commit-method: api",
    );
    expect(() => settings({ token: 't', image: 'x:1', 'inference-service': 'iris' }, {})).toThrow(
      "Input 'repository' is required",
    );
    const { settings: s } = settings(
      { image: 'x:1', 'inference-service': 'iris', 'commit-method': 'git', path: tmpdir() },
      {},
    );
    expect(s).toMatchObject({ method: 'git', path: tmpdir(), token: undefined });
  });
});
