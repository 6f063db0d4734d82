// The README is a newcomer's first page: every command in it is run by CI or by a test, every link
// resolves, its tables list every action and reusable workflow, and its consumer example only
// uses inputs the actions have.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { isGhesVariant } from '../../scripts/gen-ghes.mjs';
import { repoRoot, venvBin } from '../helpers/paths.js';
import { scaled } from '../helpers/timeouts.js';
import { BENCH_COMMAND, codeBlocks, commands, readme } from './readme.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

/** Where the README's scripts run: a file that must invoke them. Its bench command runs in readme-bench.e2e.test.ts. */
const EXERCISED_BY: Record<string, { file: string; invocation: string }> = {
  './scripts/test.sh': { file: '.ci/run', invocation: 'exec ./scripts/test.sh' },
  './scripts/pipeline.sh': { file: 'test/pipeline/script.e2e.test.ts', invocation: "'scripts', 'pipeline.sh'" },
};
/** The CLI's commands are run here, against the committed bundle. */
const CLI_COMMAND = /^node packages\/cli\/dist\/mlops-actions\.mjs( [\w-]+)* --help$/;
/** The adoption guide's rewrite, run below on a scratch copy of the repository. */
const ADOPT_COMMAND = /^node scripts\/adopt\.mjs --org (\S+) --repo (\S+)$/;

describe('README.md', () => {
  it('has the two commands, and every command it shows is run by CI or a test', () => {
    expect(commands).toEqual(expect.arrayContaining(['./scripts/test.sh', './scripts/pipeline.sh']));
    for (const command of commands) {
      const exercised = EXERCISED_BY[command];
      const runs = exercised
        ? read(exercised.file).includes(exercised.invocation)
        : BENCH_COMMAND.test(command) || ADOPT_COMMAND.test(command) || CLI_COMMAND.test(command);
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
      if (isGhesVariant(file)) return false; // listed through docs/workflows/ghes.md
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
});

describe("README.md's adoption guide", () => {
  const command = codeBlocks('sh')
    .flatMap((block) => block.split('\n').map((line) => line.trim()))
    .find((line) => ADOPT_COMMAND.test(line));
  const [, org, repo] = ADOPT_COMMAND.exec(command ?? '') ?? [];
  let scratch: string;
  const files = () =>
    execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\n')
      .filter((path) => path && existsSync(join(repoRoot, path)));

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'adopt-'));
    for (const path of files()) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      copyFileSync(join(repoRoot, path), join(scratch, path));
    }
    execFileSync('git', ['init', '--quiet'], { cwd: scratch });
    execFileSync('git', ['add', '-A'], { cwd: scratch });
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('shows the rewrite command with an organisation and a repository', () => {
    expect([org, repo]).toEqual(['acme', 'platform-mlops-actions']);
  });

  it('refuses a name GitHub would refuse, and --dry-run writes nothing', async () => {
    const run = (args: string[]) =>
      promisify(execFile)('node', ['scripts/adopt.mjs', ...args], { cwd: scratch }).then(
        () => 0,
        (error: { code: number; stderr: string }) => error,
      );
    expect(await run(['--org', 'acme corp'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--org "acme corp" is not a GitHub organisation or user name'),
    });
    expect(await run(['--org', 'acme', '--repo', '..'])).toMatchObject({ code: 1 });
    const before = readFileSync(join(scratch, 'README.md'), 'utf8');
    expect(await run(['--org', 'acme', '--dry-run'])).toBe(0);
    expect(readFileSync(join(scratch, 'README.md'), 'utf8')).toBe(before);
  });

  it(
    'rewrites every your-org reference to the organisation and repository, and the linters still pass',
    async () => {
      const { stdout } = await promisify(execFile)('bash', ['-c', command!], { cwd: scratch });
      expect(stdout).toMatch(/^rewrote examples\/model-repo\/\.github\/workflows\/cd\.yml$/m);
      const left = files()
        .filter((path) => path !== 'scripts/adopt.mjs' && !path.includes('/dist/') && path !== 'pnpm-lock.yaml')
        .filter((path) => /your-org(?![A-Za-z])/.test(readFileSync(join(scratch, path), 'utf8')));
      expect(left).toEqual([]);
      const example = readFileSync(join(scratch, 'examples/model-repo/.github/workflows/cd.yml'), 'utf8');
      expect(example).toContain(`uses: ${org}/${repo}/.github/workflows/cd.yml@v1`);
      expect(readFileSync(join(scratch, 'examples/model-repo/.github/dependabot.yml'), 'utf8')).toContain(
        `- ${org}/${repo}*`,
      );
      // The policy tests' first-party pattern follows (it is a regular expression: '/' stays escaped).
      expect(readFileSync(join(scratch, 'test/policy/rules.ts'), 'utf8')).toContain(`^${org}\\/${repo}\\/`);
      const zizmor = spawnSync(
        venvBin('tools', 'zizmor'),
        ['--offline', '--no-progress', '--config', '.github/zizmor.yml', '.github/workflows', 'examples'],
        { cwd: scratch, encoding: 'utf8', timeout: scaled(120_000) },
      );
      expect([zizmor.status, `${zizmor.stdout}${zizmor.stderr}`]).toEqual([0, expect.stringMatching(/No findings/)]);
    },
    scaled(180_000),
  );
});
