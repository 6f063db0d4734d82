import { describe, expect, it } from '@jest/globals';
import { runAction } from '../helpers/run-action.js';

// Bad inputs are refused before any request: no server is needed (the URI points nowhere).

const BASE = {
  'tracking-uri': 'http://127.0.0.1:9',
  'model-name': 'm',
  'run-id': 'abc123',
  thresholds: '{"accuracy": {"threshold": 0.8, "greater_is_better": true}}',
};

async function refused(inputs: Record<string, string | undefined>): Promise<string> {
  const result = await runAction('mlflow-gate-and-register', { inputs: { ...BASE, ...inputs }, timeoutMs: 60_000 });
  expect(result.exitCode).toBe(1);
  expect(result.errors).toHaveLength(1);
  return result.errors[0]!;
}

describe('mlflow-gate-and-register inputs', () => {
  it.each([
    [
      { 'tracking-uri': 'sqlite:///mlflow.db' },
      `Input 'tracking-uri' has invalid value "sqlite:///mlflow.db": expected an absolute http:// or https:// URL`,
    ],
    [{ 'model-name': undefined }, "Input 'model-name' is required but was not given"],
    [{ 'model-name': `it's "quoted"` }, "Input 'model-name' has invalid value"],
    [{ mode: 'deploy' }, `Input 'mode' has invalid value "deploy": expected one of gate-and-register, gate, promote`],
    [{ 'run-id': undefined }, "Give the candidate: 'run-id', or 'experiment-name'"],
    [{ 'experiment-name': 'exp' }, "Inputs 'run-id' and 'experiment-name' cannot be used together"],
    [
      { 'run-filter': "tags.x = 'y'" },
      "Input 'run-filter' selects a run in 'experiment-name': it cannot be used with 'run-id'",
    ],
    [{ thresholds: undefined }, "Input 'thresholds' is required but was not given"],
    [{ thresholds: 'accuracy: [0.8' }, "Input 'thresholds' has invalid value"],
    [
      { thresholds: '{"accuracy": {"threshold": 0.8}}' },
      "Input 'thresholds' is invalid: metric 'accuracy': greater_is_better is required",
    ],
    [
      { thresholds: '{"accuracy": {"min_relative_change": 5, "greater_is_better": true}}' },
      "metric 'accuracy': min_relative_change must be a number from 0 to 1 (0.05 is 5%), got 5",
    ],
    [
      { thresholds: '{"accuracy": {"min_absolute_change": 0, "greater_is_better": true}}' },
      "metric 'accuracy': min_absolute_change must be a number greater than 0, got 0",
    ],
    [{ thresholds: '{"accuracy": {"treshold": 0.8, "greater_is_better": true}}' }, "unknown field 'treshold'"],
    [{ thresholds: '{"accuracy": {"greater_is_better": true}}' }, 'give at least one of threshold'],
    [{ alias: 'challenger, latest' }, `Input 'alias' has invalid item "latest"`],
    [{ 'champion-alias': 'v2' }, 'v<digits> is reserved for version numbers'],
    [
      { 'on-no-champion': 'ignore' },
      'Input \'on-no-champion\' has invalid value "ignore": expected one of pass-absolute, fail',
    ],
    [{ tags: 'mlops.gate.verdict=forced' }, "Input 'tags' sets 'mlops.gate.verdict'"],
    [{ 'wait-timeout': 'forever' }, `Input 'wait-timeout' has invalid value "forever"`],
    [{ 'fail-on-gate-failure': 'yes' }, `Input 'fail-on-gate-failure' has invalid value "yes": expected true or false`],
    [{ username: 'u' }, "Inputs 'username' and 'password' go together"],
    [{ mode: 'promote' }, "Mode 'promote' needs 'promote-from'"],
    [
      { mode: 'promote', version: 'two' },
      `Input 'version' has invalid value "two": expected a version number such as 3`,
    ],
    [
      { mode: 'promote', version: '2', 'promote-from': 'challenger' },
      "Inputs 'promote-from' and 'version' cannot be used together",
    ],
  ])('refuses %j', async (inputs, message) => {
    expect(await refused(inputs)).toContain(message);
  });

  it('never echoes a secret input, even when refusing it', async () => {
    const error = await refused({ token: 'tok-secret-value', username: 'u', password: 'pw-secret-value' });
    expect(error).toContain("Inputs 'token' and 'username'/'password' cannot be used together");
    expect(error).not.toMatch(/secret-value/);
  });

  it('says a server that does not answer is unreachable', async () => {
    const error = await refused({});
    expect(error).toContain('did not answer');
    expect(error).toContain('Check tracking-uri');
  });
});
