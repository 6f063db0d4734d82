import { readFileSync } from 'node:fs';
import { InputError, type Inputs, type Logger } from '@mlops-actions/action-kit';
import { Deadline, type Auth, type TlsOptions } from '@mlops-actions/action-kit/http';
import { formatDuration } from '@mlops-actions/action-kit/parse';
import {
  ALIAS_FORM,
  DEFAULT_ORDER_BY,
  ThresholdConfigError,
  aliasProblem,
  parseThresholds,
  type CandidateSelector,
  type MetricRule,
  type OnNoChampion,
} from '@mlops-actions/mlflow';

export const MODES = ['gate-and-register', 'gate', 'promote'] as const;
export type Mode = (typeof MODES)[number];

interface Connection {
  deadline: Deadline;
  trackingUri: URL;
  auth?: Auth;
  workspace?: string;
  tls: TlsOptions;
}

interface GateConfig {
  candidate: CandidateSelector;
  loggedModelName: string;
  rules: MetricRule[];
  championAlias: string;
  onNoChampion: OnNoChampion;
  aliases: string[];
  tags: Record<string, string>;
  failOnGateFailure: boolean;
  waitTimeoutMs: number;
}

export type Config = Connection & { modelName: string } & (
    | ({ mode: 'gate-and-register' | 'gate' } & GateConfig)
    | { mode: 'promote'; to: string; from: { alias: string } | { version: string } }
  );

/** Every input, validated up front: nothing is sent to MLflow before all of them are known good. */
export function readConfig(inputs: Inputs, logger: Logger): Config {
  const connection = readConnection(inputs, logger);
  const mode = inputs.enum('mode', MODES, 'gate-and-register');
  const modelName = inputs.string('model-name', { required: true });
  if (modelName.length > 256 || (modelName.includes("'") && modelName.includes('"'))) {
    throw new InputError(
      `Input 'model-name' has invalid value ${JSON.stringify(modelName)}: expected at most 256 characters, not both ' and " (MLflow search filters cannot quote that)`,
    );
  }
  if (mode === 'promote') {
    inputs.exclusive('promote-from', 'version');
    const version = inputs.matching('version', /^[1-9]\d*$/, 'a version number such as 3');
    const fromAlias = alias(inputs, 'promote-from');
    if (!version && !fromAlias) {
      throw new InputError("Mode 'promote' needs 'promote-from' (an alias, e.g. challenger) or 'version' (e.g. 3)");
    }
    return {
      ...connection,
      modelName,
      mode,
      to: alias(inputs, 'promote-to') ?? 'champion',
      from: version ? { version } : { alias: fromAlias! },
    };
  }
  return { ...connection, modelName, mode, ...readGate(inputs) };
}

function readConnection(inputs: Inputs, logger: Logger): Connection {
  const timeoutMs = inputs.duration('timeout', '15m', { min: 1000, max: 6 * 3_600_000 });
  const deadline = Deadline.after(timeoutMs, `the step's timeout (${formatDuration(timeoutMs)})`);
  const trackingUri = inputs.url('tracking-uri', { required: true });
  const token = inputs.secret('token');
  const password = inputs.secret('password');
  const username = inputs.string('username');
  if (token && (username || password)) {
    throw new InputError(
      "Inputs 'token' and 'username'/'password' cannot be used together: give a token or basic auth",
    );
  }
  if (Boolean(username) !== Boolean(password)) {
    throw new InputError("Inputs 'username' and 'password' go together: give both for basic auth, or neither");
  }
  const auth: Auth | undefined = token
    ? { type: 'bearer', token }
    : username && password
      ? { type: 'basic', username, password }
      : undefined;
  if (auth && trackingUri.protocol === 'http:' && !isLoopback(trackingUri.hostname)) {
    // Not an error (private networks do this), but the credential crosses the network in clear text.
    logger.warning(
      `tracking-uri is plain http: the MLflow credentials travel unencrypted to ${trackingUri.host}. Use https.`,
    );
  }
  return {
    deadline,
    trackingUri,
    auth,
    workspace: inputs.string('workspace'),
    tls: { caCert: caCert(inputs), insecure: inputs.boolean('insecure-skip-tls-verify', false) },
  };
}

function readGate(inputs: Inputs): GateConfig {
  inputs.exclusive('run-id', 'experiment-name');
  const runId = inputs.matching('run-id', /^[\w-]{1,64}$/, 'an MLflow run id (letters, digits, - and _)');
  const experimentName = inputs.string('experiment-name');
  const filter = inputs.string('run-filter');
  if (!runId && !experimentName) {
    throw new InputError(
      "Give the candidate: 'run-id', or 'experiment-name' (with an optional 'run-filter' such as tags.mlflow.source.git.commit = '<sha>')",
    );
  }
  // order-by is left out: it has a default, which the runner passes like a value the user set.
  if (runId && filter) {
    throw new InputError("Input 'run-filter' selects a run in 'experiment-name': it cannot be used with 'run-id'");
  }
  const candidate: CandidateSelector = runId
    ? { runId }
    : { experimentName: experimentName!, filter, orderBy: inputs.string('order-by') ?? DEFAULT_ORDER_BY };

  const aliases = inputs.list('alias', { commas: true });
  for (const name of aliases) checkAlias('alias', name, aliases.join(','));
  const tags = inputs.keyValues('tags');
  const reserved = Object.keys(tags).filter((key) => key.startsWith('mlops.'));
  if (reserved.length) {
    throw new InputError(
      `Input 'tags' sets ${reserved.map((key) => `'${key}'`).join(', ')}: expected keys outside the mlops. prefix, which this action sets itself`,
    );
  }
  return {
    candidate,
    loggedModelName:
      inputs.matching('logged-model-name', /^[^'"\\]{1,256}$/, 'a model name without quotes or backslashes') ?? 'model',
    rules: thresholds(inputs),
    championAlias: alias(inputs, 'champion-alias') ?? 'champion',
    onNoChampion: inputs.enum('on-no-champion', ['pass-absolute', 'fail'], 'pass-absolute'),
    aliases: aliases.length ? aliases : ['challenger'],
    tags,
    failOnGateFailure: inputs.boolean('fail-on-gate-failure', true),
    waitTimeoutMs: inputs.duration('wait-timeout', '5m', { min: 1000, max: 3_600_000 }),
  };
}

function thresholds(inputs: Inputs): MetricRule[] {
  const mapping = inputs.mapping('thresholds', { required: true })!;
  try {
    return parseThresholds(mapping);
  } catch (error) {
    if (error instanceof ThresholdConfigError) throw new InputError(`Input 'thresholds' is invalid: ${error.message}`);
    throw error;
  }
}

function alias(inputs: Inputs, name: string): string | undefined {
  const value = inputs.string(name);
  if (value !== undefined) checkAlias(name, value, value);
  return value;
}

function checkAlias(input: string, alias: string, raw: string): void {
  const problem = aliasProblem(alias);
  if (problem) {
    throw new InputError(
      `Input '${input}' has invalid value ${JSON.stringify(raw)}: expected ${ALIAS_FORM} (${problem})`,
    );
  }
}

/** PEM text, or the path of a PEM file. */
function caCert(inputs: Inputs): string | undefined {
  const raw = inputs.string('ca-cert');
  if (raw === undefined) return undefined;
  if (raw.includes('-----BEGIN CERTIFICATE-----')) return raw;
  const path = inputs.file('ca-cert')!;
  const pem = readFileSync(path, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError(
      `Input 'ca-cert' names ${path}, which holds no PEM certificate: expected PEM text or the path of a PEM file`,
    );
  }
  return pem;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
