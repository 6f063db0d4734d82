import { InputError, InvalidValue, type Inputs } from '@mlops-actions/action-kit/inputs';
import { parseResourceSelector, type ResourceSelector, type WaitSyncOptions } from '@mlops-actions/argocd';

const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Every input, validated up front; each error names the input and the accepted form. */
export function readOptions(inputs: Inputs): WaitSyncOptions {
  const server = inputs.url('server', { required: true });
  const token = inputs.secret('token', { required: true });
  const name = inputs.matching(
    'application',
    K8S_NAME,
    'an Argo CD application name (lowercase letters, digits, - and .)',
    { required: true },
  )!;
  const appNamespace = inputs.matching('app-namespace', K8S_NAME, 'a Kubernetes namespace name');
  const project = inputs.matching('project', K8S_NAME, 'an Argo CD project name');
  const revision = inputs
    .matching('revision', /^[0-9a-fA-F]{40}$/, 'a full 40-character hexadecimal Git commit SHA')
    ?.toLowerCase();

  const githubToken = inputs.secret('github-token');
  const repository = inputs.matching(
    'repository',
    /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/,
    'owner/name of the GitOps repository',
  );

  return {
    server,
    token,
    app: { name, appNamespace, project },
    expectation: {
      revision,
      health: inputs.enum('health', ['healthy', 'healthy-or-suspended', 'ignore']),
      superseded: inputs.enum('superseded', ['warn', 'fail', 'wait']),
      comparisonErrorGraceMs: inputs.duration('comparison-error-grace', { min: 0, max: 3_600_000 }),
      resources: readResources(inputs),
    },
    refresh: inputs.enum('refresh', ['normal', 'hard', 'none']),
    refreshTimeoutMs: inputs.duration('refresh-timeout', { min: 100, max: 300_000 }),
    sync: inputs.enum('sync', ['auto', 'always', 'never']),
    terminateOnTimeout: inputs.boolean('terminate-on-timeout'),
    timeoutMs: inputs.duration('timeout', { min: 1_000, max: 6 * 3_600_000 }),
    pollIntervalMs: inputs.duration('poll-interval', { min: 100, max: 300_000 }),
    stream: inputs.boolean('stream'),
    // Only one of the two given (e.g. an optional secret left empty): the check is off, like neither.
    github: githubToken && repository ? { token: githubToken, repository } : undefined,
    tls: { caCert: inputs.caCert('ca-cert'), insecure: inputs.boolean('insecure-skip-tls-verify') },
  };
}

function readResources(inputs: Inputs): ResourceSelector[] {
  return inputs.list('resources').map((line) => {
    try {
      return parseResourceSelector(line);
    } catch (error) {
      if (error instanceof InvalidValue) {
        throw new InputError(`Input 'resources' has invalid line ${JSON.stringify(line)}: expected ${error.expected}`);
      }
      throw error;
    }
  });
}
