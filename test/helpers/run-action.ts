import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { actionDir, node24 } from './paths.js';
import { runnerCommands, type WorkflowCommand } from './workflow-commands.js';
import { scaled } from './timeouts.js';

export interface RunActionOptions {
  /**
   * Input names as in action.yml. Like the runner, every input action.yml gives a default is
   * passed with it unless set here; undefined keeps the default, '' passes an empty value.
   */
  inputs?: Record<string, string | number | boolean | undefined>;
  /** Extra environment (GITHUB_*, AWS_*, proxies…), on top of a minimal runner environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the action after scaled(timeoutMs); the result then has `timedOut`. Default 5 min. */
  timeoutMs?: number;
  /** Called with each line the action prints, as it prints it. */
  onLine?: (line: string) => void;
}

export interface ActionResult {
  exitCode: number | null;
  timedOut: boolean;
  outputs: Record<string, string>;
  summary: string;
  /** Lines appended to GITHUB_ENV, parsed. */
  exportedEnv: Record<string, string>;
  errors: string[];
  warnings: string[];
  notices: string[];
  masks: string[];
  /** Every workflow command the runner would act on, in order. */
  commands: WorkflowCommand[];
  stdout: string;
  stderr: string;
  durationMs: number;
}

/**
 * Runs actions/<name>/dist/index.js exactly as the runner does: under Node 24, inputs as INPUT_*
 * variables (upper-cased, spaces to underscores, hyphens kept), fresh GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY and GITHUB_ENV files, RUNNER_TEMP and RUNNER_TOOL_CACHE; then reads back the
 * outputs, the workflow commands it printed and the summary.
 */
export async function runAction(action: string, options: RunActionOptions = {}): Promise<ActionResult> {
  const home = mkdtempSync(join(tmpdir(), `run-${action}-`));
  const files = {
    GITHUB_OUTPUT: join(home, 'output'),
    GITHUB_STEP_SUMMARY: join(home, 'summary.md'),
    GITHUB_ENV: join(home, 'env'),
    GITHUB_STATE: join(home, 'state'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const runnerTemp = join(home, 'temp');
  mkdirSync(runnerTemp);

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? home,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE ?? join(home, 'tool-cache'),
    GITHUB_WORKSPACE: options.cwd ?? process.cwd(),
    GITHUB_REPOSITORY: 'acme/model-repo',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '0'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKFLOW: 'test',
    GITHUB_JOB: 'test',
    GITHUB_ACTOR: 'octocat',
    GITHUB_EVENT_NAME: 'push',
    ...files,
  };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const inputs = { ...actionDefaults(action, githubContext(env)), ...definedOnly(options.inputs ?? {}) };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;

  const started = Date.now();
  const child = spawn(node24(), [join(actionDir(action), 'dist', 'index.js')], {
    cwd: options.cwd ?? process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (!options.onLine) return;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    lines.forEach((line) => options.onLine!(line));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      child.kill('SIGKILL');
    },
    scaled(options.timeoutMs ?? 300_000),
  );
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);

  const result: ActionResult = {
    exitCode,
    timedOut,
    outputs: parseFileCommand(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    exportedEnv: parseFileCommand(readFileSync(files.GITHUB_ENV, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    ...parseWorkflowCommands(stdout),
    stdout,
    stderr,
    durationMs: Date.now() - started,
  };
  rmSync(home, { recursive: true, force: true });
  return result;
}

/** The job token the runner puts in `github.token`; a stand-in, never valid anywhere. */
export const RUNNER_JOB_TOKEN = 'ghs_runnerJobTokenStandIn0000000000';

/** The `github` context the runner evaluates `${{ github.* }}` input defaults against. */
function githubContext(env: Record<string, string>): Record<string, string> {
  return {
    token: env.GITHUB_TOKEN ?? RUNNER_JOB_TOKEN,
    repository: env.GITHUB_REPOSITORY ?? '',
    api_url: env.GITHUB_API_URL ?? '',
    server_url: env.GITHUB_SERVER_URL ?? '',
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
  };
}

/**
 * Every input default of the action's action.yml, as the runner passes them (actions/runner,
 * ActionRunner.cs: "Merge the default inputs from the definition"), `${{ github.x }}` evaluated.
 */
export function actionDefaults(action: string, github: Record<string, string>): Record<string, string> {
  const metadata = parse(readFileSync(join(actionDir(action), 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>;
  };
  const defaults: Record<string, string> = {};
  for (const [name, input] of Object.entries(metadata.inputs ?? {})) {
    if (input.default === undefined || input.default === null) continue;
    defaults[name] = String(input.default).replace(/\$\{\{\s*github\.(\w+)\s*\}\}/g, (expression, key: string) => {
      if (!(key in github))
        throw new Error(`${action}: input ${name} defaults to ${expression}, which run-action cannot evaluate`);
      return github[key]!;
    });
  }
  return defaults;
}

function definedOnly(inputs: NonNullable<RunActionOptions['inputs']>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, String(value)]),
  );
}

/** `name<<DELIMITER\nvalue\nDELIMITER` blocks, and plain `name=value` lines. */
export function parseFileCommand(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter!, i + 1);
      if (end < 0) throw new Error(`unterminated ${name} value in a file command`);
      values[name!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      values[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return values;
}

/** The commands the runner would act on, and the messages of the annotation and mask commands among them. */
export function parseWorkflowCommands(
  stdout: string,
): Pick<ActionResult, 'errors' | 'warnings' | 'notices' | 'masks' | 'commands'> {
  const commands = runnerCommands(stdout);
  const data = (name: string) => commands.filter((c) => c.command === name).map((c) => c.data);
  return {
    errors: data('error'),
    warnings: data('warning'),
    notices: data('notice'),
    masks: data('add-mask'),
    commands,
  };
}
