import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

export const OUTPUTS_PROBE_JOB = 'outputs-probe';

/**
 * act logs the outputs of steps, not those a caller's job receives from a reusable workflow
 * (`needs.<job>.outputs`). In a consumer export (never in the committed caller), this adds a job
 * to `workflow` that needs `job` and sets one step output, `json`, to those outputs as JSON:
 * `JSON.parse(run.step(OUTPUTS_PROBE_JOB, 'outputs').outputs.json)`.
 */
export function addOutputsProbe(consumerDir: string, workflow: string, job: string): void {
  const path = join(consumerDir, workflow);
  const document = parseDocument(readFileSync(path, 'utf8'));
  document.setIn(['jobs', OUTPUTS_PROBE_JOB], {
    needs: job,
    'runs-on': 'ubuntu-latest',
    permissions: {},
    steps: [
      {
        id: 'outputs',
        env: { OUTPUTS: `\${{ toJSON(needs.${job}.outputs) }}` },
        run: 'echo "json=$(jq -c . <<< "$OUTPUTS")" >> "$GITHUB_OUTPUT"',
      },
    ],
  });
  writeFileSync(path, document.toString());
}
