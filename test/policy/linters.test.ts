/**
 * The real linters over our workflows and the example's, with zero findings: actionlint (with
 * shellcheck from the stack's tools environment, so every run: script is checked) and zizmor
 * (offline, default persona, .github/zizmor.yml). Each is also run over the tutorial fixture,
 * which must make it object: that proves the tool really ran and really checks.
 */
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { repoRoot, stackTool, venvBin } from '../helpers/paths.js';
import { policyFiles, TUTORIAL_FIXTURE } from './load.js';

const workflows = policyFiles()
  .filter((file) => file.kind === 'workflow')
  .map((file) => file.path);

function run(executable: string, args: string[]) {
  const result = spawnSync(executable, args, {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      PATH: `${dirname(venvBin('tools', 'shellcheck'))}:${process.env.PATH ?? ''}`,
      NO_COLOR: '1',
    },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` };
}

describe('actionlint', () => {
  const actionlint = () => stackTool('actionlint');

  it('finds nothing in .github/workflows and examples/', () => {
    const { status, output } = run(actionlint(), ['-no-color', ...workflows]);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('runs shellcheck on run: scripts (the tutorial fixture trips it)', () => {
    const { status, output } = run(actionlint(), ['-no-color', TUTORIAL_FIXTURE]);
    expect(status).toBe(1);
    expect(output).toMatch(/shellcheck reported issue in this script: SC2086/);
  });
});

describe('zizmor', () => {
  const zizmor = () => venvBin('tools', 'zizmor');
  const config = ['--offline', '--no-progress', '--config', '.github/zizmor.yml'];

  it('finds nothing in .github/workflows and examples/', () => {
    // Dependabot files are audited only when named (cooldown, insecure execution).
    const dependabot = ['.github/dependabot.yml', 'examples/model-repo/.github/dependabot.yml'];
    const { status, output } = run(zizmor(), [...config, '.github/workflows', 'examples', ...dependabot]);
    expect(output).toMatch(/No findings to report/);
    expect(status).toBe(0);
  });

  it('audits what it is given (the tutorial fixture trips its high-severity audits)', () => {
    const { status, stdout } = run(zizmor(), [...config, '--format', 'json-v1', TUTORIAL_FIXTURE]);
    expect(status).toBe(14);
    const audits = new Set((JSON.parse(stdout) as { ident: string }[]).map((f) => f.ident));
    for (const audit of ['template-injection', 'unpinned-uses', 'dangerous-triggers', 'secrets-inherit', 'artipacked'])
      expect([audit, audits.has(audit)]).toEqual([audit, true]);
  });
});
