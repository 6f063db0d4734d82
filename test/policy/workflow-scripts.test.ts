/**
 * The few run: scripts of our reusable workflows that hold logic, run with bash as the runner
 * does (bash --noprofile --norc -eo pipefail), with their values in env: only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadYaml } from './load.js';
import { stepOf, type Dict } from './rules.js';

const scratch = mkdtempSync(join(tmpdir(), 'workflow-scripts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let runs = 0;

function runStep(step: Dict, env: Record<string, string>) {
  const script = join(scratch, `step-${++runs}.sh`);
  const output = join(scratch, `output-${runs}`);
  writeFileSync(script, String(step.run));
  writeFileSync(output, '');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, output: readFileSync(output, 'utf8') };
}

describe.each([
  ['.github/workflows/ct.yml', 'train', 'storage'],
  ['.github/workflows/promote.yml', 'promote', 'storage'],
])('%s: the storage URI of a version', (path, job, id) => {
  const step = stepOf(loadYaml(path, 'workflow'), job, id);
  const fill = (template: string, version = '7', runId = 'a1b2c3', modelId = 'm-0123abcd') =>
    runStep(step, { TEMPLATE: template, VERSION: version, RUN_ID: runId, MODEL_ID: modelId });

  it('fills every placeholder', () => {
    const { status, output } = fill('s3://models/churn/{model_id}/v{version}/{run_id}/artifacts');
    expect(status).toBe(0);
    expect(output).toBe('uri=s3://models/churn/m-0123abcd/v7/a1b2c3/artifacts\n');
  });

  it.each([
    ['an unknown placeholder', 's3://models/{name}/x'],
    ['a scheme KServe does not load', 'ftp://models/{version}'],
    ['a value with a space', 's3://models/a b'],
  ])('refuses %s', (_what, template) => {
    const { status, stdout, output } = fill(template);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^::error::storage-uri-template did not give a storage URI/);
    expect(output).toBe('');
  });

  it('refuses hostile values from MLflow (they are data, never code)', () => {
    for (const modelId of ['$(touch pwned)', 'x\nuri=s3://evil', '`id`']) {
      const { status, output } = fill('s3://models/{model_id}', '1', 'r', modelId);
      expect([modelId, status, output]).toEqual([modelId, 1, '']);
    }
  });
});

describe('ct.yml: the deploy settings are checked before training', () => {
  const step = stepOf(loadYaml('.github/workflows/ct.yml', 'workflow'), 'train', 'Check the deploy settings');
  const complete = {
    STORAGE_URI_TEMPLATE: 's3://m/{version}',
    SERVICE: 'churn',
    GITOPS_REPOSITORY: 'org/gitops',
    ARGOCD_SERVER: 'https://argocd.example.com',
    ARGOCD_APPLICATION: 'churn-staging',
    ENDPOINT_URL: 'https://churn.example.com',
  };

  it('passes when every setting is given', () => {
    expect(runStep(step, complete).status).toBe(0);
  });

  it('names every empty one, as its input name', () => {
    const { status, stdout } = runStep(step, { ...complete, SERVICE: '', ENDPOINT_URL: '' });
    expect(status).toBe(1);
    expect(stdout).toBe('::error::deploy is on but these inputs are empty: service endpoint-url\n');
  });
});
