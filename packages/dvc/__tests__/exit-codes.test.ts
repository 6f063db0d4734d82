import { describe, expect, it } from '@jest/globals';
import { categorize } from '../src/exit-codes.js';

describe('categorize', () => {
  it.each([
    [1, 'ERROR: failed to push data to the cloud - 3 files failed to upload', 'transfer', true],
    [251, 'ERROR: configuration error - config file error: extra keys not allowed', 'configuration', false],
    [253, 'ERROR: you are not inside of a DVC repository', 'not-a-repository', false],
    [255, 'ERROR: unexpected error - Unable to locate credentials', 'credentials', false],
    [
      255,
      'ERROR: unexpected error - An error occurred (AccessDenied) when calling the ListObjectsV2 operation',
      'credentials',
      false,
    ],
    [
      255,
      "ERROR: unexpected error - URL 's3://b' is supported but requires these missing dependencies: ['s3']. To install dvc with those dependencies, run:\n\tpip install 'dvc[s3]'",
      'missing-plugin',
      false,
    ],
    [255, 'ERROR: unexpected error - Connect timeout on endpoint URL', 'unexpected', true],
    [255, 'ERROR: FileNotFoundError: The specified bucket does not exist', 'remote-not-found', false],
    [255, 'ERROR: unexpected error - boom', 'unexpected', false],
    [254, 'usage: dvc push', 'usage', false],
  ] as const)('exit %i: %s', (code, output, category, retryable) => {
    const failure = categorize(code, output);
    expect(failure).toMatchObject({ exitCode: code, category, retryable });
    expect(failure.hint.length).toBeGreaterThan(10);
    expect(failure.detail).toMatch(/ERROR|usage/);
  });
});
