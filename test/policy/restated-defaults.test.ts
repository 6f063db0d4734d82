/**
 * An input default is written once, in action.yml. Where a reusable workflow must restate one (its
 * workflow_call input has a default and is passed straight to our action), the two must be equal;
 * a literal `with:` value equal to the action's default is a restatement with no reason to exist.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseActionSpec } from '../../packages/action-kit/src/spec.js';
import { repoRoot } from '../helpers/paths.js';
import { loadYaml } from './load.js';
import { asDict, jobsOf, triggersOf } from './rules.js';

const OWN_ACTION = /^(?:\$|\.)\/actions\/([a-z0-9-]+)\/?$/;
const PASSED_INPUT = /^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$/;

const workflows = readdirSync(join(repoRoot, '.github', 'workflows'))
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => loadYaml(`.github/workflows/${name}`, 'workflow'));

interface Restatement {
  where: string;
  action: string;
  /** The value the workflow writes: a literal, or its own input's default when passed straight through. */
  value: string;
  passedThrough: boolean;
  ours: string;
}

function restatements(): Restatement[] {
  const found: Restatement[] = [];
  for (const file of workflows) {
    const declared = asDict(asDict(triggersOf(file).workflow_call).inputs);
    for (const { steps } of jobsOf(file)) {
      for (const { where, step } of steps) {
        const action = OWN_ACTION.exec(typeof step.uses === 'string' ? step.uses : '')?.[1];
        if (!action) continue;
        const spec = parseActionSpec(loadYaml(`actions/${action}/action.yml`, 'action').text, action);
        for (const [input, raw] of Object.entries(asDict(step.with))) {
          const ours = spec.inputs[input]?.default;
          if (ours === undefined) continue;
          const passed = PASSED_INPUT.exec(String(raw))?.[1];
          const value = passed ? asDict(declared[passed]).default : raw;
          // Empty means "not given": the action's own default applies.
          if (value === undefined || String(value) === '' || String(value).includes('${{')) continue;
          found.push({
            where: `${file.path} ${where}.with.${input}`,
            action,
            value: String(value),
            passedThrough: !!passed,
            ours,
          });
        }
      }
    }
  }
  return found;
}

describe('defaults restated by the reusable workflows', () => {
  const all = restatements();

  it('a workflow input passed straight to an action defaults to what the action does', () => {
    // The check has something to check: some workflow inputs are passed straight through.
    expect(all.filter((r) => r.passedThrough).length).toBeGreaterThan(0);
    const differing = all.filter((r) => r.passedThrough && r.value.trim() !== r.ours.trim());
    expect(differing.map((r) => `${r.where}: the workflow says ${r.value}, ${r.action} says ${r.ours}`)).toEqual([]);
  });

  it('no with: line writes a literal equal to the action default', () => {
    const needless = all.filter((r) => !r.passedThrough && r.value.trim() === r.ours.trim());
    expect(needless.map((r) => `${r.where}: ${r.value} is ${r.action}'s default`)).toEqual([]);
  });
});
