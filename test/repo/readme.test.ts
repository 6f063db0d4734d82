// The README is a newcomer's first page: every command in it is run by CI or by a test, every link
// resolves, its tables list every action and reusable workflow, and its consumer example only
// uses inputs the actions have.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/paths.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

function codeBlocks(language: string): string[] {
  return [...readme.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm'))].map((match) => match[1]!);
}

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

/** Where the README's scripts run: a file that must invoke them. Its bench command runs below. */
const EXERCISED_BY: Record<string, { file: string; invocation: string }> = {
  './scripts/test.sh': { file: '.ci/run', invocation: 'exec ./scripts/test.sh' },
  './scripts/pipeline.sh': { file: 'test/pipeline/script.test.ts', invocation: "'scripts', 'pipeline.sh'" },
};
const BENCH_COMMAND = /^pnpm run bench (\w+)$/;
/** The CLI's commands are run here, against the committed bundle. */
const CLI_COMMAND = /^node packages\/cli\/dist\/index\.js( [\w-]+)* --help$/;

describe('README.md', () => {
  const commands = codeBlocks('sh').flatMap((block) => block.split('\n').filter((line) => line.trim()));

  it('has the two commands, and every command it shows is run by CI or a test', () => {
    expect(commands).toEqual(expect.arrayContaining(['./scripts/test.sh', './scripts/pipeline.sh']));
    for (const command of commands) {
      const exercised = EXERCISED_BY[command];
      const runs = exercised
        ? read(exercised.file).includes(exercised.invocation)
        : BENCH_COMMAND.test(command) || CLI_COMMAND.test(command);
      expect([command, runs]).toEqual([command, true]);
    }
  });

  it('runs the CLI commands of "Outside GitHub"', async () => {
    const shown = commands.filter((command) => CLI_COMMAND.test(command));
    expect(shown.length).toBeGreaterThan(0);
    for (const command of shown) {
      const [, ...args] = command.split(' ');
      const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: repoRoot });
      expect(stdout).toMatch(/^Usage: mlops-actions /);
    }
  });

  it('links only to files that exist', () => {
    const targets = [...readme.matchAll(/\]\(([^)#\s]+)\)/g)].map((match) => match[1]!).filter((t) => !/^\w+:/.test(t));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !existsSync(join(repoRoot, target)))).toEqual([]);
  });

  it('lists every action and every reusable workflow, each linked to its documentation', () => {
    for (const action of readdirSync(join(repoRoot, 'actions')))
      expect(readme).toContain(`[\`${action}\`](actions/${action}/README.md)`);
    const reusable = readdirSync(join(repoRoot, '.github', 'workflows')).filter((file) => {
      const workflow = parse(read(`.github/workflows/${file}`)) as { on?: Record<string, unknown> };
      return workflow.on !== null && typeof workflow.on === 'object' && 'workflow_call' in workflow.on;
    });
    expect(reusable.length).toBeGreaterThan(0);
    for (const file of reusable)
      expect(readme).toContain(`[\`${file}\`](docs/workflows/${file.replace(/\.ya?ml$/, '')}.md)`);
  });

  it("gives the consumer example's actions only inputs they declare, and every required one", () => {
    const [example] = codeBlocks('yaml');
    const steps = Object.values((parse(example!) as { jobs: Record<string, { steps: Step[] }> }).jobs).flatMap(
      (job) => job.steps,
    );
    const used = steps.filter((step) => step.uses?.startsWith('your-org/mlops-actions/actions/'));
    expect(used.length).toBeGreaterThan(0);
    for (const step of used) {
      const name = /^your-org\/mlops-actions\/actions\/([\w-]+)@v1$/.exec(step.uses!)?.[1];
      expect([step.uses, name && existsSync(join(repoRoot, 'actions', name, 'action.yml'))]).toEqual([step.uses, true]);
      const inputs = (parse(read(`actions/${name}/action.yml`)) as { inputs: Record<string, { required?: boolean }> })
        .inputs;
      const given = Object.keys(step.with ?? {});
      expect([name, given.filter((input) => !(input in inputs))]).toEqual([name, []]);
      const required = Object.entries(inputs).filter(([, spec]) => spec.required === true);
      expect([name, required.map(([input]) => input).filter((input) => !given.includes(input))]).toEqual([name, []]);
    }
  });

  it('runs its bench command as it says: a table of figures beside their baselines', async () => {
    const command = commands.find((line) => BENCH_COMMAND.test(line));
    expect(command).toBeDefined();
    const name = BENCH_COMMAND.exec(command!)![1]!;
    const scratch = mkdtempSync(join(tmpdir(), 'bench-results-'));
    try {
      const results = join(scratch, 'results.json');
      const { stdout } = await promisify(execFile)('bash', ['-c', `source scripts/pnpm.sh && ${command}`], {
        cwd: repoRoot,
        env: { ...process.env, BENCH_RESULTS_FILE: results },
        maxBuffer: 8 * 1024 * 1024,
      });
      expect(stdout).toMatch(/^figure\s+value\s+unit\s+baseline\s+ratio\s+goal$/m);
      expect(stdout).toMatch(/\s[\d.]+x\s/);
      expect(stdout).toMatch(/wait-argocd-sync: cold start \(median of 10\)\s+[\d.]+\s+ms\s+[\d.]+ \(empty node 24/);
      const written = JSON.parse(readFileSync(results, 'utf8')) as Record<string, { figures: unknown[] }>;
      expect(Object.keys(written)).toEqual([name]);
      expect(written[name]!.figures.length).toBeGreaterThan(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);
});
