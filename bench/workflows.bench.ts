// Workflow policy: how long the in-repo policy rules take over every workflow and action.yml,
// next to the real linters over the same files, measured in the same run (median of 5 each).
import { dirname } from 'node:path';
import { repoRoot, stackTool, venvBin } from '../test/helpers/paths.js';
import { policyFiles } from '../test/policy/load.js';
import { checkFile } from '../test/policy/rules.js';
import { median, round, timeCommand, type Figure } from './lib.js';

const RUNS = 5;

export default async function workflows(): Promise<Figure[]> {
  const workflowPaths = policyFiles()
    .filter((file) => file.kind === 'workflow')
    .map((file) => `${repoRoot}/${file.path}`);
  const policyMs: number[] = [];
  let findings = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const files = policyFiles();
    findings = files.flatMap(checkFile).length;
    policyMs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const env = { ...process.env, PATH: `${dirname(venvBin('tools', 'shellcheck'))}:${process.env.PATH ?? ''}` };
  const actionlintMs = Array.from({ length: RUNS }, () => timeCommand(stackTool('actionlint'), workflowPaths, env).ms);
  const zizmorMs = Array.from(
    { length: RUNS },
    () =>
      timeCommand(venvBin('tools', 'zizmor'), [
        '--offline',
        '--config',
        `${repoRoot}/.github/zizmor.yml`,
        `${repoRoot}/.github/workflows`,
        `${repoRoot}/examples`,
      ]).ms,
  );
  const note = `${policyFiles().length} files, ${findings} findings`;
  return [
    {
      figure: 'workflows: policy rules, parse + check every file',
      value: round(median(policyMs)),
      unit: 'ms',
      baseline: round(median(actionlintMs)),
      baselineLabel: 'actionlint + shellcheck, same workflows',
      note,
    },
    {
      figure: 'workflows: zizmor over .github/workflows and examples',
      value: round(median(zizmorMs)),
      unit: 'ms',
      baseline: round(median(actionlintMs)),
      baselineLabel: 'actionlint + shellcheck, same workflows',
    },
  ];
}
