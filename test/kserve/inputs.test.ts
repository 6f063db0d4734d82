import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { runAction } from '../helpers/run-action.js';

// Nothing listens on this URL: every case must stop at input validation, before any request.
const url = 'http://127.0.0.1:9/';
const workspace = mkdtempSync(join(tmpdir(), 'kserve-inputs-'));
writeFileSync(join(workspace, 'payload.json'), '{"instances": [[1, 2]]}');
writeFileSync(join(workspace, 'broken.json'), '{"instances": [[1, 2]');

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('kserve-health-check refuses bad inputs with one clear line each', () => {
  it.each([
    [
      { url: 'not a url', model: 'm' },
      `Input 'url' has invalid value "not a url": expected an absolute http:// or https:// URL`,
    ],
    [
      { url: 'ftp://models.example.com', model: 'm' },
      `Input 'url' has invalid value "ftp://models.example.com": expected an absolute http:// or https:// URL`,
    ],
    [{ url }, "Input 'model' is required but was not given"],
    [
      { url, model: 'iris/v1' },
      `Input 'model' has invalid value "iris/v1": expected a model name without spaces, "/", "?" or "#"`,
    ],
    [{ url, model: 'm', protocol: 'v3' }, `Input 'protocol' has invalid value "v3": expected one of auto, v1, v2`],
    [
      { url, model: 'm', host: 'https://iris.example.com' },
      `Input 'host' has invalid value "https://iris.example.com": expected a host name, optionally with :port (no scheme, no path)`,
    ],
    [
      { url, model: 'm', payload: '{"instances": [1,' },
      `Input 'payload' has invalid value "{\\"instances\\": [1,": expected valid JSON (Unexpected end of JSON input)`,
    ],
    [
      { url, model: 'm', payload: '{"data": [1]}' },
      `Input 'payload' is not a valid request body: expected a JSON object with "instances" (v1) or "inputs" (v2)`,
    ],
    [
      { url, model: 'm', payload: '{"instances": [[1]]}', 'payload-file': 'payload.json' },
      "Inputs 'payload' and 'payload-file' cannot be used together: give only one of them",
    ],
    [
      { url, model: 'm', 'payload-file': 'broken.json' },
      /^Input 'payload-file' has invalid value "broken\.json": expected a file holding valid JSON \(.*\)$/,
    ],
    [
      { url, model: 'm', 'payload-file': 'missing.json' },
      /^Input 'payload-file' has invalid value "missing.json": expected the path of an existing file/,
    ],
    [
      { url, model: 'm', 'payload-file': 'payload.json', expected: '[1,' },
      `Input 'expected' has invalid value "[1,": expected valid JSON (Unexpected end of JSON input)`,
    ],
    [
      { url, model: 'm', expected: '[1]' },
      "Input 'expected' needs a request to compare with: give payload or payload-file too",
    ],
    [
      { url, model: 'm', 'payload-file': 'payload.json', requests: '-5' },
      `Input 'requests' has invalid value "-5": expected an integer from 0 to 10000`,
    ],
    [
      { url, model: 'm', 'payload-file': 'payload.json', requests: '20000' },
      `Input 'requests' has invalid value "20000": expected an integer from 0 to 10000`,
    ],
    [
      { url, model: 'm', 'payload-file': 'payload.json', concurrency: '65' },
      `Input 'concurrency' has invalid value "65": expected an integer from 1 to 64`,
    ],
    [
      { url, model: 'm', 'payload-file': 'payload.json', tolerance: '-1e-3' },
      `Input 'tolerance' has invalid value "-1e-3": expected a number of at least 0`,
    ],
    [
      { url, model: 'm', 'payload-file': 'payload.json', 'max-p95-ms': '200' },
      "Input 'max-p95-ms' needs timed requests to measure: set requests above 0",
    ],
    [
      { url, model: 'm', 'payload-file': 'payload.json', 'max-error-rate': '5' },
      `Input 'max-error-rate' has invalid value "5": expected a number from 0 to 1`,
    ],
    [
      { url, model: 'm', requests: '10' },
      "Input 'requests' needs a request body to send: give payload or payload-file too",
    ],
    [
      { url, model: 'm', timeout: 'soon' },
      `Input 'timeout' has invalid value "soon": expected a duration like 500ms, 90s, 10m or 1h30m`,
    ],
    [
      { url, model: 'm', protocol: 'v1', 'model-version': '3' },
      "Input 'model-version' is for the v2 protocol only (model metadata); protocol is v1",
    ],
    [
      { url, model: 'm', headers: 'X-Api-Key secret-value' },
      /^Input 'headers' is invalid: expected one "key:value" a line/,
    ],
  ] as const)('%j', async (inputs, message) => {
    const result = await runAction('kserve-health-check', { inputs, cwd: workspace, timeoutMs: 30_000 });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    if (typeof message === 'string') expect(result.errors[0]).toBe(message);
    else expect(result.errors[0]).toMatch(message);
    expect(result.stdout).not.toContain('::group::Readiness');
  });

  it('never prints a header value, even in the error', async () => {
    const result = await runAction('kserve-health-check', {
      inputs: { url, model: 'm', headers: 'Bad Name: secret-value' },
      timeoutMs: 30_000,
    });
    expect(result.errors).toEqual([
      `Input 'headers' has an invalid header name "Bad Name": expected one "Name: value" a line`,
    ]);
    expect(
      result.stdout.split('\n').filter((line) => line.includes('secret-value') && !line.startsWith('::add-mask::')),
    ).toEqual([]);
  });
});
