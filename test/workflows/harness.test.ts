// The harness's own parts that need no runner: the `$/` rewrite, the pins it maps to offline
// stand-ins, and reading act's JSON log.
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { parseActLog } from './act-log.js';
import { rewriteSelfReferences } from './export.js';
import { OFFLINE_ACTIONS_DIR, offlineActionMappings } from './offline-actions.js';

describe('rewriteSelfReferences', () => {
  it('names this repository at v1 where a step or a job uses $/, and nothing else', () => {
    const text = [
      '      - uses: $/actions/bump-kserve-image',
      '        uses: $/actions/wait-argocd-sync # comment',
      '    uses: $/.github/workflows/cd.yml',
      '      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1',
      '        run: echo "uses: $/not/a/step"',
    ].join('\n');
    expect(rewriteSelfReferences(text).split('\n')).toEqual([
      '      - uses: your-org/mlops-actions/actions/bump-kserve-image@v1',
      '        uses: your-org/mlops-actions/actions/wait-argocd-sync@v1 # comment',
      '    uses: your-org/mlops-actions/.github/workflows/cd.yml@v1',
      '      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1',
      '        run: echo "uses: $/not/a/step"',
    ]);
  });
});

describe('offlineActionMappings', () => {
  it('maps every pinned third-party action of the workflows to a stand-in', () => {
    const mappings = offlineActionMappings(repoRoot);
    const repos = mappings.map((mapping) => mapping.slice(mapping.indexOf('/') + 1, mapping.indexOf('@')));
    expect(repos.sort()).toEqual(readdirSync(OFFLINE_ACTIONS_DIR).sort());
    for (const mapping of mappings) expect(mapping).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}=\//);
    expect(join(OFFLINE_ACTIONS_DIR, 'setup-python')).toBe(
      mappings.find((m) => m.includes('setup-python'))!.split('=')[1],
    );
  });
});

describe('parseActLog', () => {
  const line = (fields: Record<string, unknown>) =>
    JSON.stringify({ level: 'info', job: 'w.yml/a', jobID: 'a', ...fields });
  it('gathers each step outcome, duration, outputs, summary and errors, and the job result and duration', () => {
    const log = [
      line({ step: 'Set up job', stepid: ['--setup-job'], stepResult: 'success', time: '2026-12-07T22:00:01Z' }),
      line({ step: 'Say', stepID: ['s'], stage: 'Main', msg: '⭐ Run Main Say' }),
      line({ step: 'Say', stepID: ['s'], stage: 'Main', command: 'set-output', name: 'x', arg: '42' }),
      line({ step: 'Say', stepID: ['s'], stage: 'Main', command: 'summary', content: '### hi\n' }),
      line({ step: 'Say', stepID: ['s'], stage: 'Main', stepResult: 'success', executionTime: 2_500_000_000 }),
      line({ step: 'Fail', stepID: ['1'], stage: 'Main', command: 'error', arg: 'it broke' }),
      line({ step: 'Fail', stepID: ['1'], stage: 'Main', stepResult: 'failure', executionTime: 1e6 }),
      line({ step: 'Skip', stepID: ['2'], stage: 'Main', stepResult: 'skipped', level: 'debug' }),
      'not json',
      line({ jobResult: 'failure', time: '2026-12-07T22:00:08Z' }),
    ].join('\n');
    const [job] = parseActLog(log);
    expect(job).toEqual({
      key: 'w.yml/a',
      id: 'a',
      result: 'failure',
      summary: '### hi\n',
      durationMs: 7000,
      steps: [
        {
          id: 's',
          name: 'Say',
          stage: 'Main',
          outcome: 'success',
          durationMs: 2500,
          outputs: { x: '42' },
          summary: '### hi\n',
          errors: [],
        },
        {
          id: '1',
          name: 'Fail',
          stage: 'Main',
          outcome: 'failure',
          durationMs: 1,
          outputs: {},
          summary: '',
          errors: ['it broke'],
        },
        {
          id: '2',
          name: 'Skip',
          stage: 'Main',
          outcome: 'skipped',
          durationMs: 0,
          outputs: {},
          summary: '',
          errors: [],
        },
      ],
    });
  });
});
