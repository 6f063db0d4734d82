// A small runner of a .gitlab-ci.yml's jobs with GitLab's shell-executor semantics, for the tests of
// examples/gitlab: the jobs `rules:` selects for a pipeline source, stage by stage in file order;
// each job in a fresh copy of the project (its checkout), with the artifacts (`artifacts:paths`) of
// the jobs of earlier stages copied in; `before_script` + `script` as one `bash -eo pipefail` script;
// variables by GitLab's precedence (predefined < global < job < dotenv reports < CI/CD variables),
// `$NAME` expanded in variable values; a job's dotenv report passed to the later stages; the
// pipeline stops at the first failed job. (This covers what the example uses: stages, extends,
// default, rules, artifacts.paths and artifacts.reports.dotenv; gitlab-ci-local: see the test.)
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { spawnOwned } from '../helpers/service.js';

type Vars = Record<string, string>;

interface JobSpec {
  stage?: string;
  extends?: string | string[];
  variables?: Vars;
  before_script?: string[];
  script?: string[];
  rules?: { if?: string }[];
  artifacts?: { paths?: string[]; reports?: { dotenv?: string } };
}

export interface JobRun {
  name: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface Pipeline {
  stages: string[];
  variables: Vars;
  jobs: Map<string, JobSpec>;
}

const RESERVED = new Set(['stages', 'variables', 'default', 'workflow', 'include', 'image', 'services']);

export function loadPipeline(file: string): Pipeline {
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const templates = doc as Record<string, JobSpec>;
  const defaults = (doc.default ?? {}) as JobSpec;
  const jobs = new Map<string, JobSpec>();
  for (const [name, value] of Object.entries(doc)) {
    if (RESERVED.has(name) || name.startsWith('.')) continue;
    const spec = value as JobSpec;
    const parents = [spec.extends ?? []].flat().map((parent) => templates[parent]!);
    jobs.set(name, Object.assign({ before_script: defaults.before_script }, ...parents, spec) as JobSpec);
  }
  return { stages: doc.stages as string[], variables: (doc.variables ?? {}) as Vars, jobs };
}

/** `$A == "x"`, `$A == $B`, joined by `&&` and `||` (all the example's rules use). */
export function ruleMatches(expression: string, vars: Vars): boolean {
  const operand = (text: string) => {
    const t = text.trim();
    return t.startsWith('$') ? (vars[t.slice(1)] ?? '') : t.replace(/^"(.*)"$/, '$1');
  };
  return expression.split('||').some((any) =>
    any.split('&&').every((term) => {
      const [left, right] = term.split('==') as [string, string];
      return operand(left) === operand(right);
    }),
  );
}

function expand(value: string, vars: Vars): string {
  return value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => vars[name] ?? '');
}

function withExpanded(base: Vars, more: Vars): Vars {
  const out = { ...base };
  for (const [name, value] of Object.entries(more)) out[name] = expand(String(value), out);
  return out;
}

function parseDotenv(text: string): Vars {
  const vars: Vars = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) vars[match[1]!] = match[2]!;
  }
  return vars;
}

function runBash(script: string, cwd: string, env: Vars, timeoutMs: number): Promise<Omit<JobRun, 'name'>> {
  const child = spawnOwned('bash', ['-eo', 'pipefail', '-c', script], { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    }),
  );
}

export interface RunOptions {
  /** CI_PIPELINE_SOURCE: push, schedule, trigger, api. */
  source: string;
  /** Predefined variables (CI_COMMIT_BRANCH, CI_JOB_URL, PATH, HOME, …). */
  predefined: Vars;
  /** Project CI/CD variables and the trigger's variables: they win over the file's. */
  variables: Vars;
  /** A directory for the jobs' working directories. */
  workDir: string;
  /** The project's checkout, copied as each job's working directory (GitLab clones it per job); default empty. */
  project?: string;
  jobTimeoutMs: number;
  /** Called after each job: the outside world reacting to it (an Argo CD seeing a push). */
  afterJob?: (run: JobRun) => void;
}

export async function runPipeline(pipeline: Pipeline, options: RunOptions): Promise<JobRun[]> {
  const runs: JobRun[] = [];
  let dotenv: Vars = {};
  /** Each finished job's artifacts: its directory and the paths it declared. */
  const artifacts: { stage: string; dir: string; paths: string[] }[] = [];
  const base = withExpanded({ ...options.predefined, CI_PIPELINE_SOURCE: options.source }, pipeline.variables);
  for (const stage of pipeline.stages) {
    for (const [name, job] of pipeline.jobs) {
      const selectVars = { ...base, ...options.variables };
      if (job.stage !== stage || !(job.rules ?? [{}]).some((rule) => !rule.if || ruleMatches(rule.if, selectVars)))
        continue;
      const env: Vars = { ...base, ...dotenv, ...options.variables, CI_JOB_NAME: name };
      for (const [key, value] of Object.entries(job.variables ?? {}))
        if (!(key in options.variables)) env[key] = expand(String(value), env);
      const cwd = join(options.workDir, name);
      if (options.project) cpSync(options.project, cwd, { recursive: true });
      mkdirSync(cwd, { recursive: true });
      for (const { dir, paths } of artifacts.filter((earlier) => earlier.stage !== stage))
        for (const path of paths)
          if (existsSync(join(dir, path))) cpSync(join(dir, path), join(cwd, path), { recursive: true });
      const script = [...(job.before_script ?? []), ...(job.script ?? [])].join('\n');
      const run = { name, ...(await runBash(script, cwd, env, options.jobTimeoutMs)) };
      runs.push(run);
      options.afterJob?.(run);
      if (run.exitCode !== 0) return runs;
      artifacts.push({ stage, dir: cwd, paths: job.artifacts?.paths ?? [] });
      const report = job.artifacts?.reports?.dotenv;
      if (report && existsSync(join(cwd, report)))
        dotenv = { ...dotenv, ...parseDotenv(readFileSync(join(cwd, report), 'utf8')) };
    }
  }
  return runs;
}
