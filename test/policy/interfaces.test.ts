import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { callerProblems, ownActionProblems } from './interfaces.js';
import { policyFiles, type YamlFile } from './load.js';

const inline = (text: string, path = '.github/workflows/inline.yml'): YamlFile => ({
  path,
  kind: 'workflow',
  text,
  doc: parse(text) as Record<string, unknown>,
});

describe('our own actions, referenced as $/actions/<name>', () => {
  const referenced = [
    ...new Set(policyFiles().flatMap((file) => ownActionProblems(file, () => undefined).absent)),
  ].sort();

  it('are the five actions of the pipeline', () => {
    expect(referenced).toEqual([
      'bump-kserve-image',
      'dvc-push',
      'kserve-health-check',
      'mlflow-gate-and-register',
      'wait-argocd-sync',
    ]);
  });

  const workflow = inline(`name: t
on: push
permissions: {}
jobs:
  j:
    runs-on: ubuntu-latest
    outputs:
      sha: \${{ steps.bump.outputs.commit-sha }}
      nope: \${{ steps.bump.outputs.comit-sha }}
    steps:
      - id: bump
        uses: $/actions/bump-kserve-image
        with:
          image: registry.example.com/churn:1.2.3
          tokne: x
`);
  const spec = {
    inputs: {
      image: { description: 'image', required: false },
      'inference-service': { description: 'name', required: true },
      token: { description: 'token', default: '${{ github.token }}' },
    },
    outputs: { 'commit-sha': { description: 'sha' } },
  };

  it('flags unknown inputs, missing required inputs and unknown outputs', () => {
    const { problems, absent: missing } = ownActionProblems(workflow, (name) =>
      name === 'bump-kserve-image' ? spec : undefined,
    );
    expect(missing).toEqual([]);
    expect(problems.map((p) => p.message)).toEqual([
      'bump-kserve-image has no input tokne',
      'bump-kserve-image needs its required input inference-service',
      'steps.bump.outputs.comit-sha: bump-kserve-image has no such output',
    ]);
  });
});

describe('callers of our reusable workflows', () => {
  it('flag inputs and secrets the workflow does not declare, and missing required ones', () => {
    const caller = inline(`name: c
on: push
permissions: {}
jobs:
  ct:
    permissions: {}
    uses: your-org/mlops-actions/.github/workflows/ct.yml@v1
    with:
      model-name: churn
      tracking-uri: https://mlflow.example.com
      experiment: churn
    secrets:
      mlflow-token: \${{ secrets.MLFLOW_TOKEN }}
      aws-key: \${{ secrets.AWS_KEY }}
  after:
    needs: ct
    runs-on: ubuntu-latest
    permissions: {}
    timeout-minutes: 5
    steps:
      - run: echo "$V"
        env:
          V: \${{ needs.ct.outputs.verison }}
`);
    expect(callerProblems(caller).map((p) => `${p.where}: ${p.message}`)).toEqual([
      'jobs.ct.with.experiment: ct.yml has no input experiment',
      'jobs.ct.with: ct.yml needs input experiment-name',
      'jobs.ct.with: ct.yml needs input train-command',
      'jobs.ct.secrets.aws-key: ct.yml declares no secret aws-key',
      'jobs.ct.: needs.ct.outputs.verison: ct.yml has no such output',
    ]);
  });

  it('resolve $/ and ./ references to this repository', () => {
    const nested = inline(`name: n
on: push
permissions: {}
jobs:
  a:
    permissions: {}
    uses: $/.github/workflows/promote.yml
  b:
    permissions: {}
    uses: ./.github/workflows/missing.yml
`);
    const messages = callerProblems(nested).map((p) => p.message);
    expect(messages).toContain('promote.yml needs input model-name');
    expect(messages).toContain('promote.yml needs secret gitops-token');
    expect(messages).toContain('.github/workflows/missing.yml does not exist');
  });
});
