import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/paths.js';
import { callerProblems, ownActionProblems } from './interfaces.js';
import { loadYaml, policyFiles, TUTORIAL_FIXTURE, type YamlFile } from './load.js';
import {
  asDict,
  checkFile,
  jobsOf,
  literalSecretsIn,
  RULES,
  WRITE_SCOPE_ALLOWLIST,
  type Finding,
  type RuleId,
} from './rules.js';

const files = policyFiles();
const show = (findings: Finding[]) => findings.map((f) => `${f.file} ${f.where}: [${f.rule}] ${f.message}`);

/** A workflow written inline, for the cases neither our files nor the fixture show. */
function inline(text: string, path = '.github/workflows/inline.yml'): YamlFile {
  return { path, kind: 'workflow', text, doc: parse(text) as Record<string, unknown> };
}
const rulesHit = (file: YamlFile): RuleId[] => [...new Set(checkFile(file).map((f) => f.rule))];

describe('the policy covers', () => {
  it('every reusable workflow, the self-test, the example callers', () => {
    const paths = files.map((f) => f.path);
    for (const expected of [
      '.github/workflows/ci.yml',
      '.github/workflows/cd.yml',
      '.github/workflows/ct.yml',
      '.github/workflows/promote.yml',
      '.github/workflows/self-test.yml',
      'examples/model-repo/.github/workflows/ci.yml',
      'examples/model-repo/.github/workflows/ct.yml',
      'examples/model-repo/.github/workflows/cd.yml',
    ])
      expect(paths).toContain(expected);
  });
});

describe.each(files.map((f) => [f.path, f] as const))('%s', (_path, file) => {
  it('passes every policy rule', () => {
    expect(show(checkFile(file))).toEqual([]);
  });

  it('uses our actions and reusable workflows as they are declared', () => {
    const { problems } = ownActionProblems(file);
    expect([...problems, ...callerProblems(file)]).toEqual([]);
  });
});

describe('the tutorial-style pipeline fixture', () => {
  const fixture = loadYaml(TUTORIAL_FIXTURE, 'workflow');
  const findings = checkFile(fixture);

  it.each(RULES.map((rule) => [rule]))('fails %s', (rule) => {
    expect(findings.filter((f) => f.rule === rule).length).toBeGreaterThan(0);
  });

  it('is flagged where the tutorial goes wrong', () => {
    const where = (rule: RuleId) => findings.filter((f) => f.rule === rule).map((f) => f.where);
    expect(where('expression-in-script')).toEqual([
      'jobs.train.steps[3].run',
      'jobs.train.steps[6].run',
      'jobs.deploy.steps[2].run',
    ]);
    expect(where('dangerous-trigger')).toEqual(['on.pull_request_target']);
    expect(where('deploy-without-concurrency')).toEqual(['jobs.deploy']);
    expect(where('secrets-inherit')).toEqual(['jobs.report.secrets']);
    expect(where('fixed-sleep')).toEqual(['jobs.deploy.steps[3].run']);
    expect(where('literal-secret')).toHaveLength(1);
  });
});

describe('rules on cases the files above do not show', () => {
  const base = (jobs: string, extra = '') =>
    `name: t\non: push\npermissions: {}\n${extra}jobs:\n${jobs.replace(/^/gm, '  ')}\n`;
  const job = (steps: string, head = '', permissions = '{}') =>
    `j:\n  runs-on: ubuntu-latest\n  timeout-minutes: 5\n  permissions: ${permissions}\n${head}  steps:\n${steps.replace(/^/gm, '    ')}`;

  it('passes a value through env: but not through ${{ }} in a script', () => {
    const safe = base(job('- run: echo "$NAME"\n  env:\n    NAME: ${{ inputs.name }}'));
    expect(rulesHit(inline(safe))).toEqual([]);
    const script = base(
      job(
        '- uses: actions/github-script@f28e40c7f34bde8b3046d885e986cb6290c5673b # v7.1.0\n  with:\n    script: console.log("${{ github.head_ref }}")',
      ),
    );
    expect(rulesHit(inline(script))).toEqual(['expression-in-script']);
  });

  it('wants the version comment on a SHA pin, and a digest on docker://', () => {
    const noComment = base(
      job('- uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n  with:\n    persist-credentials: false'),
    );
    expect(rulesHit(inline(noComment))).toEqual(['unpinned-uses']);
    const shortSha = base(job('- uses: actions/checkout@3d3c42e # v7.0.1\n  with:\n    persist-credentials: false'));
    expect(rulesHit(inline(shortSha))).toEqual(['unpinned-uses']);
    expect(rulesHit(inline(base(job('- uses: docker://alpine:3.20'))))).toEqual(['unpinned-uses']);
    const digest = `docker://alpine@sha256:${'a'.repeat(64)}`;
    expect(rulesHit(inline(base(job(`- uses: ${digest}`))))).toEqual([]);
    expect(rulesHit(inline(base(job('- uses: your-org/mlops-actions/actions/dvc-push@v1'))))).toEqual([]);
  });

  it('refuses write-all, read-all and workflow-level writes', () => {
    const atTop = (permissions: string) =>
      inline(base(job('- run: "true"')).replace('permissions: {}\njobs', `permissions: ${permissions}\njobs`));
    expect(rulesHit(atTop('write-all'))).toEqual(['write-scope-not-allowed']);
    expect(rulesHit(atTop('read-all'))).toEqual(['write-scope-not-allowed']);
    expect(rulesHit(atTop('{ contents: write }'))).toEqual(['write-scope-not-allowed']);
    expect(rulesHit(inline(base(job('- run: "true"', '', 'write-all'))))).toEqual(['write-scope-not-allowed']);
    expect(rulesHit(inline(base(job('- run: "true"', '', '{ contents: read }'))))).toEqual([]);
  });

  it('wants deploy concurrency per environment and service, never cancelled', () => {
    const deploy = (concurrency: string) =>
      inline(base(job('- uses: $/actions/bump-kserve-image', `  environment: prod\n${concurrency}`)));
    expect(rulesHit(deploy('  concurrency: deploy\n'))).toEqual(['deploy-without-concurrency']);
    expect(
      rulesHit(
        deploy(
          '  concurrency:\n    group: deploy-${{ inputs.environment }}-${{ inputs.service }}\n    cancel-in-progress: true\n',
        ),
      ),
    ).toEqual(['deploy-without-concurrency']);
    expect(
      rulesHit(
        deploy('  concurrency:\n    group: ${{ github.workflow }}-${{ inputs.environment }}-${{ inputs.service }}\n'),
      ),
    ).toEqual(['deploy-without-concurrency']);
    expect(
      rulesHit(deploy('  concurrency:\n    group: deploy-${{ inputs.environment }}-${{ inputs.service }}\n')),
    ).toEqual([]);
  });

  it('refuses toJSON(secrets) and AWS keys declared as workflow_call secrets', () => {
    const call = (secrets: string, run: string) =>
      inline(
        `name: t\non:\n  workflow_call:\n    secrets:\n${secrets}permissions: {}\njobs:\n  ${job(`- run: echo "$S"\n  env:\n    S: ${run}`).replace(/\n/g, '\n  ')}\n`,
      );
    expect(rulesHit(call('      token:\n        description: t\n', '${{ toJSON(secrets) }}'))).toEqual([
      'undeclared-secret',
    ]);
    expect(rulesHit(call('      token:\n        description: t\n', '${{ secrets.token }}'))).toEqual([]);
    expect(
      rulesHit(call('      AWS_SECRET_ACCESS_KEY:\n        description: t\n', '${{ secrets.AWS_SECRET_ACCESS_KEY }}')),
    ).toEqual(['stored-aws-keys']);
  });

  it('wants our own actions as $/ inside a reusable workflow', () => {
    const reusable = (uses: string) =>
      inline(base(job(`- uses: ${uses}`)).replace('on: push', 'on:\n  workflow_call:'));
    expect(rulesHit(reusable('$/actions/dvc-push'))).toEqual([]);
    expect(rulesHit(reusable('./actions/dvc-push'))).toEqual(['own-ref-not-self']);
    expect(rulesHit(reusable('your-org/mlops-actions/actions/dvc-push@v1'))).toEqual(['own-ref-not-self']);
  });

  it('finds a private key in a workflow', () => {
    const pem = ['-----BEGIN', 'RSA PRIVATE KEY-----'].join(' ');
    expect(rulesHit(inline(base(job(`- run: echo "$K"\n  env:\n    K: "${pem}"`))))).toEqual(['literal-secret']);
  });

  it('finds literal secrets line by line', () => {
    const key = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
    const token = ['ghp', '_', 'x'.repeat(36)].join('');
    expect(literalSecretsIn(`a: 1\nkey: ${key}\ntoken: ${token}\n`)).toEqual([
      { line: 2, what: 'an AWS access key id' },
      { line: 3, what: 'a GitHub token' },
    ]);
    expect(literalSecretsIn('url: ${{ secrets.SLACK_WEBHOOK_URL }}\n')).toEqual([]);
  });
});

describe('the write-scope allowlist', () => {
  it('has no stale entry: each names a job that holds exactly those write scopes', () => {
    for (const [key, { scopes, reason }] of Object.entries(WRITE_SCOPE_ALLOWLIST)) {
      const [path, jobId] = key.split('#') as [string, string];
      const job = jobsOf(loadYaml(path, 'workflow')).find((j) => j.id === jobId);
      const held = Object.entries(asDict(job?.job.permissions))
        .filter(([, level]) => level === 'write')
        .map(([scope]) => scope);
      expect([key, held.sort()]).toEqual([key, [...scopes].sort()]);
      expect(reason).toBeTruthy();
    }
  });
});

describe('no literal webhook URL, token or key anywhere in the repository', () => {
  // The fixture holds one on purpose; dist/ and the lockfile are generated.
  const excluded = (path: string) =>
    path.startsWith('test/fixtures/policy/') || path.includes('/dist/') || path === 'pnpm-lock.yaml';
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((path) => path && !excluded(path));

  it('scans the repository', () => {
    expect(tracked).toContain('.github/workflows/cd.yml');
  });

  it('finds none', () => {
    const hits = tracked.flatMap((path) => {
      let text: string;
      try {
        text = readFileSync(join(repoRoot, path), 'utf8');
      } catch {
        return []; // deleted in the work tree
      }
      if (text.includes('\0')) return [];
      return literalSecretsIn(text).map(({ line, what }) => `${path}:${line}: ${what}`);
    });
    expect(hits).toEqual([]);
  });
});
