// scripts/pipeline.sh, the README's second command, as a newcomer runs it: it ends with the report
// and the summaries folder, and leaves nothing it started running, also when interrupted (Ctrl-C).
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnOwned } from '../helpers/service.js';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { scaled } from '../helpers/timeouts.js';

const SCRIPT = join(repoRoot, 'scripts', 'pipeline.sh');
const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Processes still carrying this run's marker in their environment after it exited. */
  leftovers: string[];
}

/**
 * Runs the script in a process group of its own, as a terminal would; `interruptWhen` sends
 * SIGINT to that group (what Ctrl-C does) once the output matches.
 */
async function runScript(args: string[], interruptWhen?: RegExp): Promise<ScriptRun> {
  const marker = randomUUID();
  const child = spawnOwned(SCRIPT, args, {
    cwd: repoRoot,
    env: { ...process.env, PIPELINE_SCRIPT_TEST: marker },
  });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    if (interruptWhen && !interrupted && interruptWhen.test(stdout)) {
      interrupted = true;
      process.kill(-child.pid!, 'SIGINT');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const giveUp = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), scaled(270_000));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(giveUp);
  return { code, stdout, stderr, leftovers: await processesMarked(marker) };
}

/** Command lines of the processes whose environment holds the marker, after a short grace. */
async function processesMarked(marker: string): Promise<string[]> {
  const needle = `PIPELINE_SCRIPT_TEST=${marker}`;
  let found: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    found = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .flatMap((pid) => {
        try {
          const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
          if (!environ.includes(needle)) return [];
          return [`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`];
        } catch {
          return []; // gone meanwhile, or not ours to read
        }
      });
    if (found.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return found;
}

function summariesFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'pipeline-script-'));
  folders.push(folder);
  return join(folder, 'summaries');
}

describe('scripts/pipeline.sh', () => {
  it(
    'runs the three rounds, prints the report, writes the summaries and stops everything',
    async () => {
      const summaries = summariesFolder();
      const run = await runScript(['--rows', '2000', '--requests', '5', '--summaries', summaries]);
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(run.stdout).toContain('Pipeline report');
      expect(run.stdout).toMatch(/round 2-worse: blocked by the gate/);
      expect(run.stdout).toMatch(/aliases: .*champion -> 2/);
      expect(run.stdout).toMatch(/deployed: commit [0-9a-f]{40} serving s3:\/\//);
      const index = readFileSync(join(summaries, 'index.md'), 'utf8');
      const linked = [...index.matchAll(/\]\(([^)]+\.md)\)/g)].map((match) => match[1]!);
      expect(linked.length).toBeGreaterThan(0);
      for (const summary of linked) expect(existsSync(join(summaries, summary))).toBe(true);
      expect(run.leftovers).toEqual([]);
    },
    scaled(300_000),
  );

  it(
    'stops the stand-ins and exits 130 on Ctrl-C in the middle of a round',
    async () => {
      const summaries = summariesFolder();
      const run = await runScript(
        ['--rows', '2000', '--requests', '5', '--summaries', summaries],
        /\[1-baseline\] bump manifest: passed/,
      );
      expect(run.code).toBe(130);
      expect(run.stderr).toContain('SIGINT: stopping the stand-ins');
      expect(run.stdout).not.toContain('Pipeline report');
      expect(run.leftovers).toEqual([]);
    },
    scaled(300_000),
  );

  it(
    'refuses a bad argument before starting anything',
    async () => {
      const run = await runScript(['--rows', 'many']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--rows must be an integer of at least 200, got many');
      expect(run.leftovers).toEqual([]);
    },
    scaled(120_000),
  );
});
