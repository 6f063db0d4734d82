/**
 * action.yml is the one source of every input default: each action's TypeScript reads the spec
 * generated from it. Mutating a default in a scratch copy of action.yml changes what the action
 * does, and the generated spec the bundle embeds is action.yml as committed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Inputs, localRunContext, parseActionSpec, recordInputSource } from '../../packages/action-kit/src/portable.js';
import { readWaitSyncOptions } from '../../packages/argocd/src/inputs.js';
import { readDvcPushOptions } from '../../packages/dvc/src/inputs.js';
import { readBumpOptions } from '../../packages/gitops/src/flow/inputs.js';
import { readHealthCheckInputs } from '../../packages/kserve/src/inputs.js';
import { readMlflowOptions } from '../../packages/mlflow/src/inputs.js';
// @ts-expect-error: a plain .mjs script without types
import { generateSpecs } from '../../scripts/gen-specs.mjs';
import { silentLogger } from '../../packages/action-kit/src/logger.js';
import { actionDir } from '../helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'action-defaults-'));

interface Case {
  action: string;
  input: string;
  from: string;
  to: string;
  /** The inputs a run needs besides defaults. */
  given: Record<string, string>;
  /** What the action will do, as read from its inputs. */
  effect: (inputs: Inputs) => unknown;
  before: unknown;
  after: unknown;
}

const cases: Case[] = [
  {
    action: 'kserve-health-check',
    input: 'tolerance',
    from: "'1e-6'",
    to: "'1e-3'",
    given: { url: 'http://127.0.0.1:9/', model: 'iris' },
    effect: (inputs) => readHealthCheckInputs(inputs).check.tolerance,
    before: 1e-6,
    after: 1e-3,
  },
  {
    action: 'wait-argocd-sync',
    input: 'timeout',
    from: '10m',
    to: '3m',
    given: { server: 'https://argocd.example.com', token: 't0k3n', application: 'iris' },
    effect: (inputs) => readWaitSyncOptions(inputs).timeoutMs,
    before: 600_000,
    after: 180_000,
  },
  {
    action: 'mlflow-gate-and-register',
    input: 'champion-alias',
    from: 'champion',
    to: 'production',
    given: {
      'tracking-uri': 'http://127.0.0.1:5000',
      'model-name': 'iris',
      'run-id': 'abc',
      thresholds: 'acc: {threshold: 0.9, greater_is_better: true}',
    },
    effect: (inputs) => {
      const config = readMlflowOptions(inputs, silentLogger);
      return config.mode === 'promote' ? undefined : config.championAlias;
    },
    before: 'champion',
    after: 'production',
  },
  {
    action: 'dvc-push',
    input: 'retries',
    from: "'2'",
    to: "'5'",
    given: { 'working-directory': scratch },
    effect: (inputs) => readDvcPushOptions(inputs, () => {}).retries,
    before: 2,
    after: 5,
  },
  {
    action: 'bump-kserve-image',
    input: 'container',
    from: 'kserve-container',
    to: 'model-server',
    given: { image: 'ghcr.io/acme/iris:2', 'inference-service': 'iris', token: 't0k3n', repository: 'acme/gitops' },
    effect: (inputs) => {
      const { target } = readBumpOptions(inputs);
      return target.kind === 'inference-service' ? target.container : undefined;
    },
    before: 'kserve-container',
    after: 'model-server',
  },
];

function effectWith(actionYml: string, { action, given, effect }: Case): unknown {
  const spec = parseActionSpec(actionYml, action);
  return effect(
    new Inputs(
      recordInputSource(given, () => {}),
      { spec, context: localRunContext({}, scratch) },
    ),
  );
}

describe('a default changed in a scratch copy of action.yml changes what the action does', () => {
  it.each(cases.map((c) => [c.action, c] as const))('%s', (_name, c) => {
    const original = readFileSync(join(actionDir(c.action), 'action.yml'), 'utf8');
    const declaration = new RegExp(
      `(\\n  ${c.input}:\\n(?:    .*\\n)*?    default: )${c.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`,
    );
    expect(original).toMatch(declaration);
    const copy = join(scratch, `${c.action}.action.yml`);
    writeFileSync(copy, original.replace(declaration, `$1${c.to}\n`));

    expect(effectWith(original, c)).toEqual(c.before);
    expect(effectWith(readFileSync(copy, 'utf8'), c)).toEqual(c.after);
  });

  it('covers every action', () => {
    expect(cases.map((c) => c.action).sort()).toEqual([
      'bump-kserve-image',
      'dvc-push',
      'kserve-health-check',
      'mlflow-gate-and-register',
      'wait-argocd-sync',
    ]);
  });
});

describe('the spec each bundle embeds', () => {
  it('is action.yml as committed (pnpm run docs regenerates it)', () => {
    expect(generateSpecs({ check: true })).toEqual([]);
  });
});
