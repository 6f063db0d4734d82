import { InputError, InvalidValue, type Inputs, type Logger } from '@mlops-actions/action-kit/inputs';
import { ALIAS_FORM, aliasProblem } from './alias-name.js';
import { readMlflowConnection } from './connection-inputs.js';
import { MODES, type MlflowActionOptions, type MlflowGateOptions } from './flow.js';
import type { CandidateSelector } from './runs.js';
import { ThresholdConfigError, parseThresholds, type MetricRule } from './thresholds.js';

/** mlflow-gate-and-register's inputs: nothing is sent to MLflow before all of them are known good. */
export function readMlflowOptions(inputs: Inputs, logger: Logger): MlflowActionOptions {
  const connection = readMlflowConnection(inputs, logger);
  const mode = inputs.enum('mode', MODES);
  const modelName = inputs.string('model-name', { required: true });
  if (modelName.length > 256 || (modelName.includes("'") && modelName.includes('"'))) {
    throw new InputError(
      `Input 'model-name' has invalid value ${JSON.stringify(modelName)}: expected at most 256 characters, not both ' and " (MLflow search filters cannot quote that)`,
    );
  }
  if (mode === 'promote') {
    inputs.exclusive('promote-from', 'version');
    const version = inputs.matching('version', /^[1-9]\d*$/, 'a version number such as 3');
    const fromAlias = inputs.parsed('promote-from', validAlias);
    if (!version && !fromAlias) {
      throw new InputError("Mode 'promote' needs 'promote-from' (an alias, e.g. challenger) or 'version' (e.g. 3)");
    }
    return {
      ...connection,
      modelName,
      mode,
      to: inputs.parsed('promote-to', validAlias, { defaulted: true }),
      from: version ? { version } : { alias: fromAlias! },
    };
  }
  return { ...connection, modelName, mode, ...readGate(inputs) };
}

function readGate(inputs: Inputs): MlflowGateOptions {
  const candidate = readCandidate(inputs);
  const aliases = inputs.listOf('alias', validAlias, { commas: true });
  const tags = inputs.keyValues('tags');
  const reserved = Object.keys(tags).filter((key) => key.startsWith('mlops.'));
  if (reserved.length) {
    throw new InputError(
      `Input 'tags' sets ${reserved.map((key) => `'${key}'`).join(', ')}: expected keys outside the mlops. prefix, which this action sets itself`,
    );
  }
  return {
    candidate,
    loggedModelName: inputs.matching(
      'logged-model-name',
      /^[^'"\\]{1,256}$/,
      'a model name without quotes or backslashes',
      {
        defaulted: true,
      },
    ),
    rules: readThresholds(inputs),
    championAlias: inputs.parsed('champion-alias', validAlias, { defaulted: true }),
    onNoChampion: inputs.enum('on-no-champion', ['pass-absolute', 'fail']),
    aliases,
    tags,
    failOnGateFailure: inputs.boolean('fail-on-gate-failure'),
    waitTimeoutMs: inputs.duration('wait-timeout', { min: 1000, max: 3_600_000 }),
  };
}

/** The run to gate: run-id, or the first match of run-filter in experiment-name. */
function readCandidate(inputs: Inputs): CandidateSelector {
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
  return runId
    ? { runId }
    : { experimentName: experimentName!, filter, orderBy: inputs.string('order-by', { defaulted: true }) };
}

function readThresholds(inputs: Inputs): MetricRule[] {
  const mapping = inputs.mapping('thresholds', { required: true });
  try {
    return parseThresholds(mapping);
  } catch (error) {
    if (error instanceof ThresholdConfigError) throw new InputError(`Input 'thresholds' is invalid: ${error.message}`);
    throw error;
  }
}

/** An MLflow alias; the error says which rule it breaks. */
function validAlias(raw: string): string {
  const problem = aliasProblem(raw);
  if (problem) throw new InvalidValue(`${ALIAS_FORM} (${problem})`);
  return raw;
}
