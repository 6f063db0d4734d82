import type { Inputs } from '@mlops-actions/action-kit/inputs';
import type { WaitSyncOptions } from './flow.js';
import { parseResourceSelector } from './resources.js';

const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** wait-argocd-sync's inputs, validated up front; each error names the input and the accepted form. */
export function readWaitSyncOptions(inputs: Inputs): WaitSyncOptions {
  const server = inputs.url('server', { required: true });
  const token = inputs.secret('token', { required: true });
  const name = inputs.matching(
    'application',
    K8S_NAME,
    'an Argo CD application name (lowercase letters, digits, - and .)',
    { required: true },
  )!;
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
    app: {
      name,
      appNamespace: inputs.matching('app-namespace', K8S_NAME, 'a Kubernetes namespace name'),
      project: inputs.matching('project', K8S_NAME, 'an Argo CD project name'),
    },
    expectation: {
      revision,
      health: inputs.enum('health', ['healthy', 'healthy-or-suspended', 'ignore']),
      superseded: inputs.enum('superseded', ['warn', 'fail', 'wait']),
      comparisonErrorGraceMs: inputs.duration('comparison-error-grace', { min: 0, max: 3_600_000 }),
      resources: inputs.listOf('resources', parseResourceSelector),
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
    tls: inputs.tls(),
  };
}
