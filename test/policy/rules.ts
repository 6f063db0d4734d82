/**
 * Workflow and action.yml security rules (security.md §7a), as pure functions over parsed YAML.
 * Each rule returns findings; the policy tests require none for our files and every rule to fire
 * on the tutorial-style fixture.
 */
import { CHECKOUT_PATH, isGhesVariant, SOURCE_STEP_ID } from '../../scripts/gen-ghes.mjs';
import type { YamlFile } from './load.js';

export const RULES = [
  'expression-in-script',
  'unpinned-uses',
  'missing-workflow-permissions',
  'missing-job-permissions',
  'write-scope-not-allowed',
  'secrets-inherit',
  'stored-aws-keys',
  'id-token-without-oidc-role',
  'dangerous-trigger',
  'checkout-persists-credentials',
  'missing-timeout',
  'deploy-without-concurrency',
  'undeclared-secret',
  'literal-secret',
  'fixed-sleep',
  'reusable-contract',
  'own-ref-not-self',
] as const;
export type RuleId = (typeof RULES)[number];

export interface Finding {
  rule: RuleId;
  file: string;
  where: string;
  message: string;
}

/** Write scopes a job may hold: `<file>#<job>` → scopes, each with the reason it is needed. */
export const WRITE_SCOPE_ALLOWLIST: Record<string, { scopes: string[]; reason: string }> = {
  '.github/workflows/ci.yml#build': { scopes: ['id-token'], reason: 'OIDC to the AWS role for DVC and ECR' },
  '.github/workflows/cd.yml#deploy': { scopes: ['id-token'], reason: 'OIDC to the AWS role for the ECR check' },
  '.github/workflows/ct.yml#train': { scopes: ['id-token'], reason: 'OIDC to the AWS role for DVC and artifacts' },
  '.github/workflows/ct.yml#deploy': { scopes: ['id-token'], reason: 'ceiling for the called cd workflow' },
  '.github/workflows/release.yml#publish': { scopes: ['contents'], reason: 'the release, its tag and the vX tag' },
  'examples/model-repo/.github/workflows/ci.yml#ci': { scopes: ['id-token'], reason: 'ceiling for ci.yml' },
  'examples/model-repo/.github/workflows/ct.yml#ct': { scopes: ['id-token'], reason: 'ceiling for ct.yml' },
  'examples/model-repo/.github/workflows/cd.yml#cd': { scopes: ['id-token'], reason: 'ceiling for cd.yml' },
};

/**
 * A generated GHES variant's job holds what its original holds, plus id-token: write for the
 * self-checkout (the OIDC claims that name the workflow's commit).
 */
export function allowedWriteScopes(path: string, jobId: string): string[] {
  if (!isGhesVariant(path)) return WRITE_SCOPE_ALLOWLIST[`${path}#${jobId}`]?.scopes ?? [];
  const original = path.replace(/-ghes(\.ya?ml)$/, '$1');
  return [...new Set([...(WRITE_SCOPE_ALLOWLIST[`${original}#${jobId}`]?.scopes ?? []), 'id-token'])];
}

/** Jobs whose checkout may keep the token because they push with it (none today). */
export const CHECKOUT_PUSH_ALLOWLIST: string[] = [];

export type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);
export const asDict = (value: unknown): Dict => (isDict(value) ? value : {});
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const EXPRESSION = /\$\{\{/;
const SHA_PIN = /^[^@\s]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*v?\d+(\.\d+)*\b/;
/** This product, consumed by its release tag (the consumer contract) or a SHA. */
const FIRST_PARTY = /^your-org\/mlops-actions\/[^@\s]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;
const AWS_KEY_ENV = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
const AWS_KEY_INPUTS = new Set(['aws-access-key-id', 'aws-secret-access-key', 'aws-session-token']);
// Written so that this file does not match its own patterns.
const LITERAL_SECRETS: [RegExp, string][] = [
  [/hooks\.slack\.com\/(services|workflows|triggers)\/[A-Za-z0-9/_-]+/, 'a Slack webhook URL'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}/, 'a GitHub fine-grained token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
];
/** Only in workflows and action.yml: tests elsewhere may carry throw-away TLS keys. */
const PRIVATE_KEY: [RegExp, string] = [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'];
const DEPLOY_ACTIONS = /(^|\/)(bump-kserve-image|wait-argocd-sync)(@|$)/;
const DEPLOY_COMMANDS =
  /\bgit\s+push\b|\bkubectl\s+(apply|set|patch|rollout)\b|\bargocd\s+app\s+sync\b|\bhelm\s+upgrade\b/;

export interface Step {
  where: string;
  step: Dict;
}

export interface Job {
  id: string;
  where: string;
  job: Dict;
  steps: Step[];
}

export function jobsOf(file: YamlFile): Job[] {
  if (file.kind === 'action') {
    const steps = asList(asDict(file.doc.runs).steps).map((step, i) => ({
      where: `runs.steps[${i}]`,
      step: asDict(step),
    }));
    return steps.length ? [{ id: '(composite)', where: 'runs', job: {}, steps }] : [];
  }
  return Object.entries(asDict(file.doc.jobs)).map(([id, raw]) => {
    const job = asDict(raw);
    const steps = asList(job.steps).map((step, i) => ({ where: `jobs.${id}.steps[${i}]`, step: asDict(step) }));
    return { id, where: `jobs.${id}`, job, steps };
  });
}

/** The step of `jobId` whose id (or name) is `key`; throws when there is none. */
export function stepOf(file: YamlFile, jobId: string, key: string): Dict {
  const found = jobsOf(file)
    .find((job) => job.id === jobId)
    ?.steps.find(({ step }) => step.id === key || step.name === key);
  if (!found) throw new Error(`${file.path}: job ${jobId} has no step ${key}`);
  return found.step;
}

export function triggersOf(file: YamlFile): Dict {
  const on = file.doc.on;
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((name) => [String(name), null]));
  return asDict(on);
}

const usesOf = (step: Dict): string => (typeof step.uses === 'string' ? step.uses.trim() : '');
const isLocal = (uses: string): boolean => uses.startsWith('./') || uses.startsWith('$/');
export const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(strings)
      : isDict(value)
        ? Object.values(value).flatMap(strings)
        : [];

function finding(rule: RuleId, file: YamlFile, where: string, message: string): Finding {
  return { rule, file: file.path, where, message };
}

/** `${{ }}` in a code sink: run:, and actions/github-script's script input. */
function expressionInScript(file: YamlFile): Finding[] {
  return jobsOf(file).flatMap(({ steps }) =>
    steps.flatMap(({ where, step }) => {
      const sinks: [string, unknown][] = [[`${where}.run`, step.run]];
      if (usesOf(step).startsWith('actions/github-script@'))
        sinks.push([`${where}.with.script`, asDict(step.with).script]);
      return sinks
        .filter(([, code]) => typeof code === 'string' && EXPRESSION.test(code))
        .map(([at]) =>
          finding(
            'expression-in-script',
            file,
            at,
            '${{ }} expands into a script; pass the value through env: instead',
          ),
        );
    }),
  );
}

/** Third-party uses: a full 40-hex SHA with a version comment on the same line. */
function unpinnedUses(file: YamlFile): Finding[] {
  const found: Finding[] = [];
  const lines = file.text.split(/\r?\n/);
  const usesLines = new Map<string, string[]>();
  for (const line of lines) {
    const match = /^\s*(?:-\s+)?uses:\s*(['"]?)([^'"\s#]+)\1(.*)$/.exec(line);
    if (match) usesLines.set(match[2]!, [...(usesLines.get(match[2]!) ?? []), match[3] ?? '']);
  }
  const check = (uses: string, where: string) => {
    if (isLocal(uses) || FIRST_PARTY.test(uses)) return;
    if (uses.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(uses))
        found.push(finding('unpinned-uses', file, where, `${uses} is not pinned to an image digest`));
      return;
    }
    if (!SHA_PIN.test(uses)) {
      found.push(finding('unpinned-uses', file, where, `${uses} is not pinned to a full commit SHA`));
      return;
    }
    const rests = usesLines.get(uses);
    if (!rests) found.push(finding('unpinned-uses', file, where, `write uses: ${uses} in block style`));
    else if (!rests.every((rest) => VERSION_COMMENT.test(rest)))
      found.push(finding('unpinned-uses', file, where, `${uses} has no "# vX.Y.Z" comment naming its version`));
  };
  for (const { where, job, steps } of jobsOf(file)) {
    if (typeof job.uses === 'string') check(job.uses.trim(), `${where}.uses`);
    for (const { where: at, step } of steps) if (usesOf(step)) check(usesOf(step), `${at}.uses`);
  }
  return found;
}

function writeScopes(permissions: unknown): string[] {
  if (permissions === 'write-all') return ['write-all'];
  return Object.entries(asDict(permissions))
    .filter(([, level]) => level === 'write')
    .map(([scope]) => scope);
}

function permissionRules(file: YamlFile): Finding[] {
  if (file.kind !== 'workflow') return [];
  const found: Finding[] = [];
  if (!('permissions' in file.doc))
    found.push(
      finding('missing-workflow-permissions', file, 'permissions', 'no top-level permissions: set permissions: {}'),
    );
  for (const scope of writeScopes(file.doc.permissions))
    found.push(finding('write-scope-not-allowed', file, 'permissions', `${scope} at workflow level; grant it per job`));
  if (file.doc.permissions === 'read-all')
    found.push(finding('write-scope-not-allowed', file, 'permissions', 'read-all at workflow level; use {}'));
  for (const { id, where, job } of jobsOf(file)) {
    if (!('permissions' in job)) {
      found.push(finding('missing-job-permissions', file, where, `job ${id} has no explicit permissions`));
      continue;
    }
    const allowed = allowedWriteScopes(file.path, id);
    for (const scope of writeScopes(job.permissions))
      if (!allowed.includes(scope))
        found.push(
          finding('write-scope-not-allowed', file, `${where}.permissions`, `${scope}: write is not in the allowlist`),
        );
  }
  return found;
}

function secretsInherit(file: YamlFile): Finding[] {
  return jobsOf(file)
    .filter(({ job }) => job.secrets === 'inherit')
    .map(({ where }) =>
      finding('secrets-inherit', file, `${where}.secrets`, 'secrets: inherit; pass the declared secrets by name'),
    );
}

function storedAwsKeys(file: YamlFile): Finding[] {
  const found: Finding[] = [];
  const envs: [string, unknown][] = [['env', file.doc.env]];
  for (const { where, job, steps } of jobsOf(file)) {
    envs.push([`${where}.env`, job.env]);
    for (const { where: at, step } of steps) {
      envs.push([`${at}.env`, step.env]);
      for (const key of Object.keys(asDict(step.with)))
        if (AWS_KEY_INPUTS.has(key))
          found.push(
            finding('stored-aws-keys', file, `${at}.with.${key}`, 'a stored AWS key; use role-to-assume (OIDC)'),
          );
    }
  }
  for (const [where, env] of envs)
    for (const key of Object.keys(asDict(env)))
      if (AWS_KEY_ENV.has(key))
        found.push(finding('stored-aws-keys', file, `${where}.${key}`, 'a stored AWS key; use OIDC instead'));
  for (const name of [...Object.keys(asDict(file.doc.inputs)), ...Object.keys(declaredSecrets(file))])
    if (AWS_KEY_INPUTS.has(name.toLowerCase().replace(/_/g, '-')))
      found.push(finding('stored-aws-keys', file, name, `${name} takes a stored AWS key; use OIDC instead`));
  return found;
}

function idTokenWithoutRole(file: YamlFile): Finding[] {
  return jobsOf(file).flatMap(({ where, job, steps }) => {
    if (!steps.length || asDict(job.permissions)['id-token'] !== 'write') return [];
    // A GHES variant's self-checkout reads the workflow's own commit from the OIDC claims.
    if (isGhesVariant(file.path) && steps.some(({ step }) => step.id === SOURCE_STEP_ID)) return [];
    const assumesRole = steps.some(
      ({ step }) =>
        usesOf(step).startsWith('aws-actions/configure-aws-credentials@') &&
        Boolean(asDict(step.with)['role-to-assume']),
    );
    const problems = [];
    if (!assumesRole) problems.push('no configure-aws-credentials step with role-to-assume');
    if (!('environment' in job)) problems.push('no environment: (the role cannot be bound to one)');
    return problems.map((problem) =>
      finding('id-token-without-oidc-role', file, `${where}.permissions`, `id-token: write with ${problem}`),
    );
  });
}

function dangerousTriggers(file: YamlFile): Finding[] {
  return Object.keys(triggersOf(file))
    .filter((name) => name === 'pull_request_target' || name === 'workflow_run')
    .map((name) => finding('dangerous-trigger', file, `on.${name}`, `${name} runs with secrets on untrusted input`));
}

function checkoutCredentials(file: YamlFile): Finding[] {
  return jobsOf(file).flatMap(({ id, steps }) =>
    steps
      .filter(({ step }) => usesOf(step).startsWith('actions/checkout@'))
      .filter(({ step }) => String(asDict(step.with)['persist-credentials']) !== 'false')
      .filter(() => !CHECKOUT_PUSH_ALLOWLIST.includes(`${file.path}#${id}`))
      .map(({ where }) =>
        finding('checkout-persists-credentials', file, where, 'checkout without persist-credentials: false'),
      ),
  );
}

export function isDeployJob({ steps }: Job): boolean {
  return steps.some(
    ({ step }) =>
      DEPLOY_ACTIONS.test(usesOf(step)) ||
      (/mlflow-gate-and-register/.test(usesOf(step)) && asDict(step.with).mode === 'promote') ||
      (typeof step.run === 'string' && DEPLOY_COMMANDS.test(step.run)),
  );
}

function boundedJobs(file: YamlFile): Finding[] {
  if (file.kind !== 'workflow') return [];
  return jobsOf(file).flatMap((job) => {
    const found: Finding[] = [];
    if (job.steps.length && !('timeout-minutes' in job.job))
      found.push(finding('missing-timeout', file, job.where, `job ${job.id} has no timeout-minutes (default 6 h)`));
    if (!isDeployJob(job)) return found;
    const concurrency = job.job.concurrency;
    const group = isDict(concurrency) ? String(concurrency.group ?? '') : String(concurrency ?? '');
    const problem = !concurrency
      ? 'has no concurrency'
      : !/environment/.test(group) || !/service|model/.test(group)
        ? `concurrency group "${group}" is not per environment and service`
        : /github\.workflow/.test(group)
          ? 'concurrency group uses github.workflow (the caller in a called workflow)'
          : isDict(concurrency) && concurrency['cancel-in-progress'] === true
            ? 'cancels a deploy in progress'
            : '';
    if (problem) found.push(finding('deploy-without-concurrency', file, job.where, `deploy job ${job.id} ${problem}`));
    return found;
  });
}

export function declaredSecrets(file: YamlFile): Dict {
  const call = triggersOf(file).workflow_call;
  return asDict(asDict(call).secrets);
}

function undeclaredSecrets(file: YamlFile): Finding[] {
  if (file.kind !== 'workflow' || !('workflow_call' in triggersOf(file))) return [];
  const declared = new Set(Object.keys(declaredSecrets(file)));
  const messages = new Set<string>();
  for (const text of strings(file.doc.jobs)) {
    if (/toJSON\(\s*secrets\s*\)/i.test(text)) messages.add('toJSON(secrets) exposes every secret');
    for (const [, name] of text.matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_-]*)/g))
      if (name !== 'GITHUB_TOKEN' && !declared.has(name!))
        messages.add(`secrets.${name} is not declared in workflow_call`);
  }
  return [...messages].map((message) => finding('undeclared-secret', file, 'jobs', message));
}

function literalSecrets(file: YamlFile): Finding[] {
  return literalSecretsIn(file.text, [...LITERAL_SECRETS, PRIVATE_KEY]).map(({ line, what }) =>
    finding('literal-secret', file, `line ${line}`, `${what} written in the file; use a secret`),
  );
}

/** Webhook URLs and token patterns, line by line. */
export function literalSecretsIn(text: string, patterns = LITERAL_SECRETS): { line: number; what: string }[] {
  return text
    .split(/\r?\n/)
    .flatMap((content, i) =>
      patterns.filter(([pattern]) => pattern.test(content)).map(([, what]) => ({ line: i + 1, what })),
    );
}

function fixedSleeps(file: YamlFile): Finding[] {
  return jobsOf(file).flatMap(({ steps }) =>
    steps
      .filter(({ step }) => typeof step.run === 'string' && /\bsleep\s+\d/.test(step.run))
      .map(({ where }) => finding('fixed-sleep', file, `${where}.run`, 'a fixed sleep; wait on a condition instead')),
  );
}

function reusableContract(file: YamlFile): Finding[] {
  const call = triggersOf(file).workflow_call;
  if (file.kind !== 'workflow' || call === undefined) return [];
  const found: Finding[] = [];
  const described = (value: unknown) =>
    typeof asDict(value).description === 'string' && asDict(value).description !== '';
  for (const [name, input] of Object.entries(asDict(asDict(call).inputs))) {
    if (!['string', 'number', 'boolean'].includes(String(asDict(input).type)))
      found.push(finding('reusable-contract', file, `on.workflow_call.inputs.${name}`, 'input without a valid type'));
    if (!described(input))
      found.push(finding('reusable-contract', file, `on.workflow_call.inputs.${name}`, 'input without a description'));
  }
  for (const [name, secret] of Object.entries(asDict(asDict(call).secrets)))
    if (!described(secret))
      found.push(
        finding('reusable-contract', file, `on.workflow_call.secrets.${name}`, 'secret without a description'),
      );
  for (const [name, output] of Object.entries(asDict(asDict(call).outputs)))
    if (!described(output) || typeof asDict(output).value !== 'string')
      found.push(
        finding('reusable-contract', file, `on.workflow_call.outputs.${name}`, 'output without description/value'),
      );
  return found;
}

const GHES_OWN_REF = new RegExp(
  `^\\./(${CHECKOUT_PATH.replace('.', '\\.')}/actions/[a-z0-9-]+|\\.github/workflows/[\\w.-]+-ghes\\.ya?ml)$`,
);

/** Inside a reusable workflow, our own actions and workflows run from the workflow's commit. */
function ownRefNotSelf(file: YamlFile): Finding[] {
  if (file.kind !== 'workflow' || !('workflow_call' in triggersOf(file))) return [];
  const ghes = isGhesVariant(file.path);
  const wrong = (uses: string) =>
    /^your-org\/mlops-actions\//.test(uses) ||
    (ghes
      ? uses.startsWith('$/') || (uses.startsWith('./') && !GHES_OWN_REF.test(uses))
      : /^\.\/(actions\/|\.github\/workflows\/)/.test(uses));
  const refs = jobsOf(file).flatMap(({ where, job, steps }) => [
    ...(typeof job.uses === 'string' ? [{ at: `${where}.uses`, uses: job.uses.trim() }] : []),
    ...steps.map(({ where: at, step }) => ({ at: `${at}.uses`, uses: usesOf(step) })),
  ]);
  return refs
    .filter(({ uses }) => wrong(uses))
    .map(({ at, uses }) =>
      finding(
        'own-ref-not-self',
        file,
        at,
        ghes
          ? `${uses}: a GHES variant runs ./.mlops-actions/actions/<name> and ./.github/workflows/<wf>-ghes.yml`
          : `${uses}: use $/… (this workflow's own commit), not a tag or ./`,
      ),
    );
}

const ALL_RULES = [
  expressionInScript,
  unpinnedUses,
  permissionRules,
  secretsInherit,
  storedAwsKeys,
  idTokenWithoutRole,
  dangerousTriggers,
  checkoutCredentials,
  boundedJobs,
  undeclaredSecrets,
  literalSecrets,
  fixedSleeps,
  reusableContract,
  ownRefNotSelf,
];

export function checkFile(file: YamlFile): Finding[] {
  return ALL_RULES.flatMap((rule) => rule(file));
}
