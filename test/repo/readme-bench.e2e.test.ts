// The README's bench command, run as it says (test/repo/readme.test.ts checks the rest of the README).
import { expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { runOwned } from '../helpers/service.js';
import { scaled } from '../helpers/timeouts.js';
import { BENCH_COMMAND, commands } from './readme.js';

// The work: pnpm and tsx start, then 60 Node 24 processes (10 cold starts of each of the five
// bundles and of an empty script), one after the other: about 10 s on an idle machine.
const BENCH_DEADLINE_MS = scaled(300_000);

it(
  'runs its bench command as it says: a table of figures beside their baselines',
  async () => {
    const command = commands.find((line) => BENCH_COMMAND.test(line));
    expect(command).toBeDefined();
    const name = BENCH_COMMAND.exec(command!)![1]!;
    const scratch = mkdtempSync(join(tmpdir(), 'bench-results-'));
    try {
      const results = join(scratch, 'results.json');
      const { exit, stdout, stderr } = await runOwned('bash', ['-c', `source scripts/pnpm.sh && ${command}`], {
        cwd: repoRoot,
        env: { ...process.env, BENCH_RESULTS_FILE: results },
      });
      if (exit !== 0) throw new Error(`${command} ended with ${exit}:\n${stderr.slice(-2000)}`);
      expect(stdout).toMatch(/^figure\s+value\s+unit\s+baseline\s+ratio\s+goal$/m);
      expect(stdout).toMatch(/\s[\d.]+x\s/);
      expect(stdout).toMatch(/wait-argocd-sync: cold start \(median of 10\)\s+[\d.]+\s+ms\s+[\d.]+ \(empty node 24/);
      const written = JSON.parse(readFileSync(results, 'utf8')) as Record<string, { figures: unknown[] }>;
      expect(Object.keys(written)).toEqual([name]);
      expect(written[name]!.figures.length).toBeGreaterThan(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
  BENCH_DEADLINE_MS,
);
