// Every action's bundle size and cold start: `node dist/index.js` with no inputs, under Node 24,
// until it fails cleanly on its first missing required input; the same for the CLI's single file
// (`mlops-actions.mjs kserve-health-check`, exit 2). Baseline: Node 24 starting an empty script,
// measured in the same run.
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { node24, actionDir } from '../test/helpers/paths.js';
// @ts-expect-error: a plain .mjs script without types
import { bundleEntry, listActions } from '../scripts/bundle.mjs';
import { median, timeCommand, type Figure } from './lib.js';

const RUNS = 10;

export default async function bundles(): Promise<Figure[]> {
  const node = node24();
  const empty = join(mkdtempSync(join(tmpdir(), 'bench-')), 'empty.mjs');
  writeFileSync(empty, '');
  const runnerEnv = { PATH: process.env.PATH, RUNNER_TEMP: tmpdir(), GITHUB_ACTIONS: 'true' };
  const nodeStart = median(Array.from({ length: RUNS }, () => timeCommand(node, [empty], runnerEnv).ms));

  const figures: Figure[] = [];
  for (const action of listActions() as string[]) {
    const bundle = join(actionDir(action), 'dist', 'index.js');
    figures.push({
      figure: `${action}: bundle size (index.js)`,
      value: statSync(bundle).size / 1e6,
      unit: 'MB',
      goal: '≤ 1.5 MB (ECR-using: larger)',
    });
    const dist = join(actionDir(action), 'dist');
    const lazyChunks = readdirSync(dist).filter((file) => /^\d+\.index\.js$/.test(file));
    if (lazyChunks.length) {
      figures.push({
        figure: `${action}: lazily loaded chunks (${lazyChunks.length})`,
        value: lazyChunks.reduce((bytes, file) => bytes + statSync(join(dist, file)).size, 0) / 1e6,
        unit: 'MB',
        note: 'loaded only on the path that needs them',
      });
    }
    const runs = Array.from({ length: RUNS }, () => timeCommand(node, [bundle], runnerEnv));
    if (runs.some((run) => run.status !== 1)) throw new Error(`${action}: expected exit 1 on missing inputs`);
    figures.push({
      figure: `${action}: cold start (median of ${RUNS})`,
      value: median(runs.map((run) => run.ms)),
      unit: 'ms',
      baseline: nodeStart,
      baselineLabel: 'empty node 24 script',
      goal: '≤ 150 ms',
    });
  }
  figures.push(...cli(node, nodeStart));
  return figures;
}

/** The CLI: one file holding every action, so larger than one action's bundle, but never a chunk to load. */
function cli(node: string, nodeStart: number): Figure[] {
  const file = bundleEntry('packages/cli') as string;
  const runs = Array.from({ length: RUNS }, () =>
    timeCommand(node, [file, 'kserve-health-check'], { PATH: process.env.PATH }),
  );
  if (runs.some((run) => run.status !== 2)) throw new Error('the CLI: expected exit 2 on a missing input');
  return [
    {
      figure: 'CLI: single file size (mlops-actions.mjs)',
      value: statSync(file).size / 1e6,
      unit: 'MB',
      note: 'all five actions, the ECR client (AWS SDK) included',
    },
    {
      figure: `CLI: cold start to an input error (median of ${RUNS})`,
      value: median(runs.map((run) => run.ms)),
      unit: 'ms',
      baseline: nodeStart,
      baselineLabel: 'empty node 24 script',
      goal: '≤ 250 ms',
    },
  ];
}
