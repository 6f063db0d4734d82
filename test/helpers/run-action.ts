import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionDir, node24 } from './paths.js';
import { scaled } from './timeouts.js';

export interface RunActionOptions {
  /** Input names as in action.yml; undefined values are left out. */
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
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value);
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }

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

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

export function parseWorkflowCommands(stdout: string): Pick<ActionResult, 'errors' | 'warnings' | 'notices' | 'masks'> {
  const found = { errors: [] as string[], warnings: [] as string[], notices: [] as string[], masks: [] as string[] };
  for (const line of stdout.split('\n')) {
    const match = /^::(error|warning|notice|add-mask)(?: [^:]*)?::(.*)$/.exec(line);
    if (!match) continue;
    const [, command, data] = match;
    const list = { error: found.errors, warning: found.warnings, notice: found.notices, 'add-mask': found.masks }[
      command!
    ]!;
    list.push(unescapeData(data!));
  }
  return found;
}
