// The CLI is one self-contained file: copied alone into an empty directory (a single-file download)
// it runs an action whose code the actions' bundles load lazily (the ECR client of verify-image),
// against moto; and `npx ./packages/cli` in a copy of the repository runs it with nothing installed.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MOTO_REGISTRY as REGISTRY, MotoEcr } from '../../packages/ecr/__tests__/moto-seed.js';
import { LocalRemote } from '../../packages/gitops/__tests__/git-helpers.js';
import { motoEnv, startMoto } from '../helpers/moto.js';
import { repoRoot } from '../helpers/paths.js';
import { CLI_BUNDLE, CLI_PACKAGE, parseOutputs, runCli } from '../helpers/run-cli.js';
import { runOwned, type Service } from '../helpers/service.js';
import { scaled } from '../helpers/timeouts.js';

const scratch = mkdtempSync(join(tmpdir(), 'cli-single-file-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the CLI bundle', () => {
  it('is one file beside its licenses, with no chunk to load', () => {
    expect(readdirSync(join(CLI_PACKAGE, 'dist')).sort()).toEqual([basename(CLI_BUNDLE), 'licenses.txt'].sort());
  });
});

describe('the CLI copied alone into an empty directory', () => {
  let moto: Service;
  const remote = new LocalRemote({
    'apps/iris/inference.yaml': readFileSync(
      join(repoRoot, 'test', 'fixtures', 'gitops', 'custom-predictor.yaml'),
      'utf8',
    ),
  });
  beforeAll(async () => {
    moto = await startMoto();
  }, scaled(120_000));
  afterAll(async () => {
    await moto?.stop();
    remote.remove();
  });

  it('bumps to the ECR digest it resolved (the AWS SDK is inside the file)', async () => {
    const download = join(scratch, 'download');
    mkdirSync(download);
    const file = join(download, 'mlops-actions.mjs');
    copyFileSync(CLI_BUNDLE, file);

    const ecr = new MotoEcr(moto.url);
    await ecr.repository('iris');
    const digest = await ecr.pushImage('iris', '2.0.0', 'iris-2.0.0');
    ecr.destroy();
    const clone = remote.clone();
    const result = await runCli(
      [
        'bump-kserve-image',
        `--image=${REGISTRY}/iris:2.0.0`,
        '--inference-service=custom-model',
        '--commit-method=git',
        `--path=${clone}`,
        '--verify-image=ecr',
        '--pin-digest',
      ],
      { bundle: file, cwd: clone, env: motoEnv(moto) },
    );
    expect(result.stderr).not.toContain('error:');
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ 'image-digest': digest, image: `${REGISTRY}/iris@${digest}` });
    expect(remote.show('apps/iris/inference.yaml')).toContain(`${REGISTRY}/iris@${digest}`);
    expect(readdirSync(download)).toEqual(['mlops-actions.mjs']);
  });
});

describe('npx ./packages/cli in a copy of the repository', () => {
  it('runs the bundle offline, installing nothing', async () => {
    const repo = join(scratch, 'repository');
    mkdirSync(join(repo, 'packages', 'cli', 'dist'), { recursive: true });
    copyFileSync(join(CLI_PACKAGE, 'package.json'), join(repo, 'packages', 'cli', 'package.json'));
    copyFileSync(CLI_BUNDLE, join(repo, 'packages', 'cli', 'dist', basename(CLI_BUNDLE)));
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: scratch,
      npm_config_cache: join(scratch, 'npm-cache'),
      // Nothing may come from a registry: the package has no runtime dependency.
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
    };
    const run = await runOwned('npx', ['--yes', './packages/cli', 'kserve-health-check', '--help'], { cwd: repo, env });
    expect(run.stderr).toBe('');
    expect(run.exit).toBe(0);
    expect(run.stdout).toMatch(/^Usage: mlops-actions kserve-health-check /);
    expect(run.stdout).toContain('--tolerance (default: 1e-6)');

    const bad = await runOwned('npx', ['--yes', './packages/cli', 'kserve-health-check', '--model', 'iris'], {
      cwd: repo,
      env,
    });
    expect(bad.exit).toBe(2);
    expect(bad.stderr).toContain("error: Input 'url' is required but was not given");
    expect(parseOutputs(bad.stdout)).toEqual({});
  });
});
