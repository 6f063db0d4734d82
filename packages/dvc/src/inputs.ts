import { InputError, type Inputs } from '@mlops-actions/action-kit/inputs';
import type { DvcPushOptions } from './flow.js';
import { parseRemoteUrl, remoteScheme, stripCredentials } from './remote.js';

/** dvc-push's inputs, every one validated up front. */
export function readDvcPushOptions(inputs: Inputs, mask: (secret: string) => void): DvcPushOptions {
  return {
    root: inputs.directory('working-directory', { allowOutside: 'allow-outside-workspace' }),
    dvcVersion: inputs.matching('dvc-version', /^3\.\d+\.\d+$/, 'a DVC 3 release like 3.67.1', { defaulted: true }),
    python: inputs.string('python', { defaulted: true }),
    remote: inputs.matching('remote', /^[^\s"'[\]]+$/, 'a remote name without spaces, quotes or brackets'),
    remoteUrl: readRemoteUrl(inputs, mask),
    endpointUrl: inputs.url('endpoint-url')?.toString().replace(/\/$/, ''),
    region: inputs.matching('region', /^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region like eu-west-1'),
    targets: inputs.list('targets'),
    jobs: inputs.integer('jobs', { min: 1, max: 512 }),
    retries: inputs.integer('retries', { min: 0, max: 10, defaulted: true }),
    allowMissingCache: inputs.boolean('allow-missing-cache'),
    verify: inputs.boolean('verify'),
    cache: inputs.boolean('cache'),
    // `timeout`, counted from when the inputs were read.
    deadline: inputs.deadline('timeout', { min: 1000, max: 6 * 3_600_000 }),
  };
}

/** remote-url may carry credentials (userinfo, a SAS query): masked, and never echoed back. */
function readRemoteUrl(inputs: Inputs, mask: (secret: string) => void): string | undefined {
  const raw = inputs.string('remote-url');
  if (!raw) return undefined;
  if (remoteScheme(raw) !== 'local') {
    try {
      const url = new URL(raw);
      for (const part of [url.username, url.password, url.search.slice(1)]) if (part) mask(decodeURIComponent(part));
    } catch {
      // reported below as malformed
    }
  }
  try {
    return parseRemoteUrl(raw);
  } catch (error) {
    const expected = (error as { expected?: string }).expected ?? 'a remote URL';
    throw new InputError(
      `Input 'remote-url' has invalid value ${JSON.stringify(stripCredentials(raw))}: expected ${expected}`,
    );
  }
}
