// Untrusted text the actions print (here: a bump diff of a manifest anyone with write access to
// the GitOps repository controls) must never become a workflow command. The bundle runs as the
// runner runs it, and its stdout is parsed the way the runner parses it (leading whitespace
// trimmed, `##[…]` anywhere, `::stop-commands::`).
import { afterAll, describe, expect, it } from '@jest/globals';
import { LocalRemote } from '../../packages/gitops/__tests__/git-helpers.js';
import { runAction } from '../helpers/run-action.js';

const INJECTED = [
  '::notice title=injected::from the GitOps repository',
  '::add-mask::kserve-container',
  '::stop-commands::attacker',
  '::error::after a foreign stop-commands',
  '::attacker::',
];
const INJECTED_AFTER = ['##[warning]legacy form, anywhere in a line', '::set-output name=changed::false'];

const MANIFEST = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: iris
  namespace: models
spec:
  predictor:
    containers:
      - name: kserve-container
        env:
          - name: STORAGE_URI
            value: "pvc://models/iris/v7/"
        args: |
${INJECTED.map((line) => `          ${line}`).join('\n')}
        image: ghcr.io/acme/iris:1.4.0
        command: |
${INJECTED_AFTER.map((line) => `          ${line}`).join('\n')}
`;

const remotes: LocalRemote[] = [];
afterAll(() => remotes.forEach((remote) => remote.remove()));

describe('workflow commands in untrusted text', () => {
  it('a bump diff of a manifest holding workflow commands prints them, and none of them is live', async () => {
    const remote = new LocalRemote({ 'apps/iris/isvc.yaml': MANIFEST });
    remotes.push(remote);
    const clone = remote.clone();
    const result = await runAction('bump-kserve-image', {
      inputs: {
        image: 'ghcr.io/acme/iris:1.5.0',
        'storage-uri': 'pvc://models/iris/v8/',
        'inference-service': 'iris',
        'commit-method': 'git',
        path: clone,
        'dry-run': true,
      },
      cwd: clone,
      env: { GITHUB_REPOSITORY: 'acme/gitops' },
    });
    expect(result.exitCode).toBe(0);
    // The diff is in the log, injected lines and all…
    for (const line of [...INJECTED, ...INJECTED_AFTER]) expect(result.stdout).toContain(` ${line}`);
    // …and the runner acts on none of them: the action's own masks are the only commands.
    expect(result.commands.filter((c) => c.command !== 'add-mask')).toEqual([]);
    expect(result.masks).not.toContain('kserve-container');
    expect(result.outputs.changed).toBe('true');
  });
});
