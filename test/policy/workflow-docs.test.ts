/**
 * docs/workflows/<wf>.md: one per reusable workflow; its tables are generated from the YAML
 * (checked by `pnpm run docs:check` and test/repo), and the hand-written parts are checked here:
 * the permissions table names exactly the scopes the workflow's jobs hold, and every copy-paste
 * caller passes only declared inputs and secrets, and every required one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { isGhesVariant } from '../../scripts/gen-ghes.mjs';
import { repoRoot } from '../helpers/paths.js';
import { callerProblems } from './interfaces.js';
import { policyFiles, type YamlFile } from './load.js';
import { asDict, jobsOf, triggersOf } from './rules.js';

// The generated GHES variants share their original's interface; test/policy/ghes.test.ts covers them.
const reusable = policyFiles().filter(
  (file) =>
    file.path.startsWith('.github/workflows/') && 'workflow_call' in triggersOf(file) && !isGhesVariant(file.path),
);

describe.each(reusable.map((file) => [file.path, file] as const))('%s', (path, workflow) => {
  const docPath = join('docs', 'workflows', path.replace(/^.*\//, '').replace(/\.ya?ml$/, '.md'));
  const doc = existsSync(join(repoRoot, docPath)) ? readFileSync(join(repoRoot, docPath), 'utf8') : '';

  it('has its doc, with the generated tables', () => {
    expect([docPath, doc !== '']).toEqual([docPath, true]);
    for (const marker of ['INPUTS', 'SECRETS', 'OUTPUTS']) expect(doc).toContain(`<!-- BEGIN_AUTOGEN_${marker} -->`);
  });

  it('lists exactly the permissions its jobs hold, each with a reason', () => {
    const section = doc.slice(doc.indexOf('## Permissions'), doc.indexOf('## Inputs'));
    const held = new Set(
      jobsOf(workflow).flatMap(({ job }) =>
        Object.entries(asDict(job.permissions)).map(([scope, level]) => `${scope}: ${String(level)}`),
      ),
    );
    const documented = new Set([...section.matchAll(/`([a-z-]+: (?:read|write))`/g)].map((m) => m[1]!));
    expect([...documented].sort()).toEqual([...held].sort());
    for (const scope of held) {
      const row = section.split('\n').find((line) => line.includes(`\`${scope}\``)) ?? '';
      expect([scope, row.split('|').filter((cell) => cell.trim()).length]).toEqual([scope, 3]);
    }
  });

  it('shows a copy-paste caller that matches the workflow', () => {
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const callers = blocks.filter((block) => block.includes(`/.github/workflows/${path.replace(/^.*\//, '')}@`));
    expect(callers.length).toBeGreaterThan(0);
    for (const text of callers) {
      const caller: YamlFile = { path: docPath, kind: 'workflow', text, doc: parse(text) as Record<string, unknown> };
      expect(callerProblems(caller)).toEqual([]);
      for (const { where, job } of jobsOf(caller)) expect([where, 'permissions' in job]).toEqual([where, true]);
    }
  });
});

describe('the workflow tables', () => {
  it('show type, required and default per input, in YAML order, and say when there is no secret', async () => {
    // @ts-expect-error: a plain .mjs script without types
    const { workflowInputsTable, secretsTable } = await import('../../scripts/gen-readme.mjs');
    expect(
      workflowInputsTable({
        service: { type: 'string', required: true, description: 'Name | with a pipe' },
        'canary-percent': { type: 'number', default: 0, description: 'Traffic\npercent' },
      }),
    ).toBe(
      [
        '| name | type | required | default | description |',
        '| --- | --- | --- | --- | --- |',
        '| `service` | string | yes |  | Name \\| with a pipe |',
        '| `canary-percent` | number | no | `0` | Traffic percent |',
      ].join('\n'),
    );
    expect(secretsTable({})).toBe('None.');
    expect(secretsTable({ token: { required: true, description: 'API token' } })).toContain(
      '| `token` | yes | API token |',
    );
  });
});
