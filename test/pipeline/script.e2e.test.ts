// scripts/pipeline.sh, the README's second command, as a newcomer runs it: the example
// repository's workflows run by act; it ends with the report and the summaries folder, and leaves
// nothing it started running, also when interrupted (Ctrl-C).
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnOwned } from '../helpers/service.js';
import { survivorsCarrying } from '../helpers/test-run.js';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { scaled } from '../helpers/timeouts.js';
import { chooseArgoCd } from './argocd-choice.js';

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

/** Every process the script starts inherits it: what still carries it afterwards was left behind. */
const MARKER_VARIABLE = 'PIPELINE_SCRIPT_TEST';

/**
 * Runs the script in a process group of its own, as a terminal would; `interruptWhen` sends
 * SIGINT to that group (what Ctrl-C does) once the output matches.
 */
async function runScript(args: string[], interruptWhen?: RegExp): Promise<ScriptRun> {
  const marker = randomUUID();
  const child = spawnOwned(SCRIPT, args, {
    cwd: repoRoot,
    env: { ...process.env, [MARKER_VARIABLE]: marker },
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
  const giveUp = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), scaled(400_000));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(giveUp);
  return {
    code,
    stdout,
    stderr,
    leftovers: (await survivorsCarrying(MARKER_VARIABLE, marker, scaled(5_000))).map((p) => `${p.pid}: ${p.command}`),
  };
}

function summariesFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'pipeline-script-'));
  folders.push(folder);
  return join(folder, 'summaries');
}

describe('scripts/pipeline.sh', () => {
  it(
    "runs the example's three workflow runs under act, reports them and the end state, writes the summaries and stops everything",
    async () => {
      const summaries = summariesFolder();
      const argocd = chooseArgoCd(undefined);
      const run = await runScript(['--rows', '6000', '--summaries', summaries]);
      expect({
        code: run.code,
        stderr: run.code === 0 ? '' : run.stderr,
        stdout: run.code === 0 ? '' : run.stdout,
      }).toEqual({
        code: 0,
        stderr: '',
        stdout: '',
      });
      // The first lines: which Argo CD, and how to get the other.
      expect(run.stdout.split('\n').slice(0, 2)).toEqual(argocd.banner);
      const report = run.stdout.slice(run.stdout.indexOf('Pipeline report'));
      expect(report).toMatch(/^1-nightly: ct\.yml on schedule: success in \d+\.\ds$/m);
      expect(report).toMatch(/^2-new-data: ct\.yml on repository_dispatch: success in \d+\.\ds$/m);
      expect(report).toMatch(/^3-promote: promote\.yml on workflow_dispatch: success in \d+\.\ds$/m);
      // Jobs and steps as the runner ran them (the reusable workflows' jobs), each step with its outcome and time.
      const count = (pattern: RegExp) => report.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
      expect(count(/^ {2}job ct\/ct\/Train and gate churn: success in \d+s$/)).toBe(2);
      expect(count(/^ {2}job Deploy\/cd\/Deploy churn to staging: success in \d+s$/)).toBe(2);
      expect(count(/^ {2}job promote\/promote\/Promote churn to champion: success in \d+s$/)).toBe(1);
      expect(count(/^ {4}Gate and register +success +\d+\.\ds$/)).toBe(2);
      expect(count(/^ {4}DVC push +success +\d+\.\ds$/)).toBe(2);
      expect(count(/^ {4}Wait for Argo CD +success +\d+\.\ds$/)).toBe(3);
      expect(count(/^ {4}Move the alias +success +\d+\.\ds$/)).toBe(1);
      expect(count(/^ {4}Roll the overlay back +skipped +0\.0s$/)).toBe(1);
      // The end state, read back from MLflow, Argo CD and the endpoints: the second model is
      // champion, and production serves exactly what staging got from the dispatch run.
      expect(report).toMatch(/^MLflow aliases: .*champion -> 2/m);
      const serving = (environment: string) =>
        new RegExp(
          `^${environment}: churn-${environment} Synced/Healthy at [0-9a-f]{12}, serving (s3://your-org-mlflow-artifacts/1/models/m-[0-9a-f]+/artifacts)$`,
          'm',
        ).exec(report)?.[1];
      expect(serving('staging')).toBeDefined();
      expect(serving('production')).toBe(serving('staging'));
      expect(report).toContain(`Argo CD: ${argocd.description}`);
      // The job summaries the runner recorded, linked from index.md.
      const index = readFileSync(join(summaries, 'index.md'), 'utf8');
      const linked = [...index.matchAll(/\]\(([^)]+\.md)\)/g)].map((match) => match[1]!);
      expect(linked.length).toBeGreaterThanOrEqual(5);
      for (const summary of linked) expect(existsSync(join(summaries, summary))).toBe(true);
      const train = linked.filter((file) => /-ct-ct-Train-and-gate-churn\.md$/.test(file));
      expect(train).toHaveLength(2);
      for (const file of train) expect(readFileSync(join(summaries, file), 'utf8')).toContain('roc_auc');
      const promote = linked.find((file) => /-promote-promote-promote-Promote-churn-to-champion\.md$/.test(file));
      expect(readFileSync(join(summaries, promote!), 'utf8')).toContain('@champion → version 2');
      expect(readdirSync(join(summaries, 'logs'))).toHaveLength(3);
      expect(run.leftovers).toEqual([]);
    },
    scaled(420_000),
  );

  it(
    'stops the runner and the stand-ins and exits 130 on Ctrl-C during a workflow run',
    async () => {
      const summaries = summariesFolder();
      const run = await runScript(
        ['--argocd', 'simulator', '--summaries', summaries],
        /▶ 1-nightly: ct\.yml on schedule/,
      );
      expect(run.code).toBe(130);
      expect(run.stdout.split('\n')[0]).toMatch(/^Argo CD: simulator /);
      expect(run.stderr).toContain('SIGINT: stopping the runner and the stand-ins');
      expect(run.stdout).not.toContain('Pipeline report');
      expect(run.leftovers).toEqual([]);
    },
    scaled(300_000),
  );

  it.each([
    [['--rows', 'many'], '--rows must be an integer of at least 500, got many'],
    [['--argocd', 'kind'], '--argocd must be real or simulator, got kind'],
    [
      ['--rows', '5000'],
      '--rows must differ from the 5000 rows the repository holds already (examples/model-repo/params.yaml)',
    ],
  ])(
    'refuses %j before starting anything',
    async (args, message) => {
      const run = await runScript(args);
      expect(run.code).toBe(2);
      expect(run.stderr.trim()).toBe(message);
      expect(run.stdout).toBe('');
      expect(run.leftovers).toEqual([]);
    },
    scaled(120_000),
  );
});
