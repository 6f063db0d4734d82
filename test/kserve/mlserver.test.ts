import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startMLServer, type MLServer } from '../helpers/mlserver.js';
import { runAction } from '../helpers/run-action.js';
import { scaled } from '../helpers/timeouts.js';

// MLServer (mlserver venv) serving a scikit-learn iris model trained by the fixture, version v1.
let mlserver: MLServer;

beforeAll(async () => {
  mlserver = await startMLServer({ model: 'iris', version: 'v1' });
}, scaled(150_000));

afterAll(async () => {
  await mlserver?.stop();
});

const payload = () =>
  JSON.stringify({
    inputs: [{ name: 'input-0', shape: [3, 4], datatype: 'FP64', data: mlserver.sample.rows.flat() }],
  });

const check = (inputs: Record<string, string | number | undefined>) =>
  runAction('kserve-health-check', { inputs, timeoutMs: 90_000 });

describe('kserve-health-check against MLServer (V2 only, empty-bodied health answers)', () => {
  it('passes readiness, the expected prediction and the model version', async () => {
    const expected = JSON.stringify([
      { name: 'predict', shape: [3, 1], datatype: 'INT64', data: mlserver.sample.predictions },
    ]);
    const result = await check({
      url: mlserver.url,
      model: 'iris',
      payload: payload(),
      expected,
      'model-version': 'v1',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs).toMatchObject({ ready: 'true', protocol: 'v2', 'model-version': 'v1' });
    expect(JSON.parse(result.outputs.response!)).toMatchObject({ model_name: 'iris', model_version: 'v1' });
    expect(result.summary).toMatch(
      /\| server ready \| `GET \/v2\/health\/ready` \| passed \| .* \| 200 \(empty body\) \|/,
    );
  });

  it('waits for a version the server does not serve, then fails with what it reports', async () => {
    const result = await check({ url: mlserver.url, model: 'iris', 'model-version': 'v2', timeout: '3s' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.ready).toBe('false');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^model version: not reached within 3s/);
    expect(result.errors[0]).toContain('GET /v2/models/iris/versions/v2/ready answered 404');
    expect(result.errors[0]).toContain('waiting for version v2');
  });

  it("lists MLServer's repository index for an unknown model", async () => {
    const result = await check({ url: mlserver.url, model: 'iris-classifier', 'not-found-grace': '1s' });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain("model 'iris-classifier' not found");
    expect(result.errors[0]).toContain('{"error":"Model iris-classifier not found"}');
    expect(result.errors[0]).toContain('the server serves: iris (READY)');
  });
});
