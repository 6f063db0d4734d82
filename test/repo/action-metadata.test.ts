import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
// @ts-expect-error: a plain .mjs script without types
import { generate } from '../../scripts/gen-readme.mjs';
import { repoRoot } from '../helpers/paths.js';

interface ActionSpec {
  name?: string;
  description?: string;
  branding?: { icon?: string; color?: string };
  runs?: { using?: string; main?: string };
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  outputs?: Record<string, { description?: string }>;
}

// @ts-expect-error: a plain .mjs script without types
import { listActions } from '../../scripts/bundle.mjs';

const actions = (listActions() as string[]).filter((name) => existsSync(join(repoRoot, 'actions', name, 'action.yml')));

(actions.length ? describe.each(actions) : describe.skip.each(['(none yet)']))('actions/%s/action.yml', (action) => {
  const spec = (): ActionSpec =>
    parse(readFileSync(join(repoRoot, 'actions', action, 'action.yml'), 'utf8')) as ActionSpec;

  it('runs the committed bundle on node24, with a name, description and branding', () => {
    const { runs, name, description, branding } = spec();
    expect(runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(name).toBeTruthy();
    expect(description).toBeTruthy();
    expect(branding?.icon).toBeTruthy();
    expect(branding?.color).toBeTruthy();
  });

  it('describes every input and output, and states the default of every optional input', () => {
    const { inputs, outputs } = spec();
    for (const [name, input] of Object.entries(inputs ?? {})) {
      expect([name, Boolean(input.description?.trim())]).toEqual([name, true]);
      const statesDefault = input.required === true || 'default' in input || /default/i.test(input.description ?? '');
      expect([name, statesDefault]).toEqual([name, true]);
    }
    for (const [name, output] of Object.entries(outputs ?? {})) {
      expect([name, Boolean(output.description?.trim())]).toEqual([name, true]);
    }
  });

  it('has the package layout of an action', () => {
    for (const file of ['package.json', 'tsconfig.json', 'src/index.ts', 'src/main.ts', 'README.md']) {
      expect([file, existsSync(join(repoRoot, 'actions', action, file))]).toEqual([file, true]);
    }
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'actions', action, 'package.json'), 'utf8')) as {
      type?: string;
    };
    expect(pkg.type).toBe('module');
  });
});

describe('README tables', () => {
  it('match every action.yml (pnpm run docs regenerates them)', () => {
    const stale = (generate() as { file: string; current: string; next: string }[])
      .filter((r) => r.current !== r.next)
      .map((r) => r.file);
    expect(stale).toEqual([]);
  });
});
