import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAuthGateway, type AuthGateway } from '../fakes/auth-gateway/index.js';
import { startKServe } from '../helpers/kserve.js';
import { runAction } from '../helpers/run-action.js';
import type { Service } from '../helpers/service.js';
import { scaled } from '../helpers/timeouts.js';

// KServe's real Python model server (kserve venv) with the fixture models echo, slow and broken.
let kserve: Service;

beforeAll(async () => {
  kserve = await startKServe({ models: ['echo', 'slow', 'broken'], predictDelayMs: 50 });
}, scaled(120_000));

afterAll(async () => {
  await kserve?.stop();
});

const v1Payload = JSON.stringify({
  instances: [
    [1, 2],
    [3, 4.5],
  ],
});
const v2Payload = JSON.stringify({
  inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4.5] }],
});

const check = (inputs: Record<string, string | number | undefined>) =>
  runAction('kserve-health-check', { inputs, timeoutMs: 90_000 });

describe('kserve-health-check against KServe', () => {
  it('waits for server live, server ready and model ready over V2 when there is no payload', async () => {
    const result = await check({ url: kserve.url, model: 'echo' });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ ready: 'true', protocol: 'v2', 'requests-sent': '0', response: '' });
    expect(result.summary).toContain('KServe health check: echo ✅ healthy');
    expect(result.summary).toMatch(/\| server live \| `GET \/v2\/health\/live` \| passed \|/);
    expect(result.summary).toMatch(/\| model ready \| `GET \/v2\/models\/echo\/ready` \| passed \|/);
  });

  it('checks a V1 prediction against the expected predictions', async () => {
    const result = await check({ url: kserve.url, model: 'echo', payload: v1Payload, expected: '[3, 7.5]' });
    expect(result.errors).toEqual([]);
    expect(result.outputs).toMatchObject({ ready: 'true', protocol: 'v1' });
    expect(JSON.parse(result.outputs.response!)).toEqual({ predictions: [3, 7.5] });
    expect(result.summary).toContain('the answer matches the expected one');
  });

  it('checks V2 outputs by name, shape and datatype', async () => {
    const expected = JSON.stringify([
      { name: 'sum', shape: [2], datatype: 'FP64', data: [3, 7.5] },
      {
        name: 'echo',
        shape: [2, 2],
        datatype: 'FP32',
        data: [
          [1, 2],
          [3, 4.5],
        ],
      },
    ]);
    const result = await check({ url: kserve.url, model: 'echo', payload: v2Payload, expected });
    expect(result.errors).toEqual([]);
    expect(result.outputs).toMatchObject({ ready: 'true', protocol: 'v2' });
    expect(JSON.parse(result.outputs.response!).outputs.map((o: { name: string }) => o.name)).toEqual(['echo', 'sum']);
  });

  it('fails on a wrong expected value, naming the first differing path, expected and got', async () => {
    const expected = JSON.stringify({ outputs: [{ name: 'sum', data: [3, 7.25] }] });
    const result = await check({ url: kserve.url, model: 'echo', payload: v2Payload, expected, tolerance: '0.1' });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toEqual([
      'smoke inference: the answer differs from expected at outputs["sum"].data[1]: expected 7.25, got 7.5 (differs by 0.25 (tolerance 0.1))',
    ]);
    expect(result.outputs.ready).toBe('true');
    expect(result.summary).toContain('failed at smoke inference');
  });

  it('fails on a model that did not load, listing the models the server does serve', async () => {
    const result = await check({ url: kserve.url, model: 'broken', 'not-found-grace': '1s' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.ready).toBe('false');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain("model 'broken' not found");
    expect(result.errors[0]).toContain('{"error":"Model with name broken does not exist."}');
    expect(result.errors[0]).toContain('the server serves: echo, slow');
  });

  it('times the requests and passes a generous latency SLO, with exact percentiles as outputs', async () => {
    const result = await check({
      url: kserve.url,
      model: 'echo',
      payload: v1Payload,
      requests: 60,
      concurrency: 4,
      'max-p95-ms': 60_000,
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs).toMatchObject({ 'requests-sent': '60', 'error-rate': '0' });
    const [p50, p95, p99] = ['latency-p50-ms', 'latency-p95-ms', 'latency-p99-ms'].map((name) =>
      Number(result.outputs[name]),
    );
    expect(p50).toBeGreaterThan(0);
    expect(p50!).toBeLessThanOrEqual(p95!);
    expect(p95!).toBeLessThanOrEqual(p99!);
    expect(Number(result.outputs['requests-per-second'])).toBeGreaterThan(0);
    expect(result.summary).toMatch(/\| 60 \| 4 \| .* \| 0% \| .* \| passed \|/);
  });

  it('fails the latency SLO of a model that takes 50 ms per prediction, with the figures', async () => {
    const result = await check({
      url: kserve.url,
      model: 'slow',
      payload: v1Payload,
      requests: 12,
      concurrency: 3,
      'max-p95-ms': 5,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(
      /^SLO failed: p95 latency [\d.]+ ms is above max-p95-ms 5 ms \(p50 [\d.]+ ms, p99 [\d.]+ ms; 12 requests at concurrency 3\)$/,
    );
    expect(Number(result.outputs['latency-p50-ms'])).toBeGreaterThanOrEqual(50);
    expect(result.outputs['requests-sent']).toBe('12');
    expect(result.summary).toMatch(/\| 12 \| 3 \| .* \| failed \|/);
  });

  it('fails the smoke request on a model error, before any timed request', async () => {
    // KServe V1 takes {"inputs": …} too, but these cannot be summed: the model answers 500.
    const result = await check({
      url: kserve.url,
      model: 'echo',
      protocol: 'v1',
      payload: JSON.stringify({ inputs: [['a']] }),
      requests: 10,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/^smoke inference: the model answered 500: .*a 5xx is a model or server error$/);
    expect(result.outputs['requests-sent']).toBe('0');
  });
});

describe('kserve-health-check behind an auth gateway', () => {
  let gateway: AuthGateway | undefined;
  afterAll(async () => {
    await gateway?.stop();
  });
  const token = 'eyJhbGciOiJSUzI1NiJ9.test-token-value';

  it('reports a 302 to the login page as an authentication failure and never follows it', async () => {
    gateway = await startAuthGateway({ upstream: kserve.url, mode: 'redirect', token });
    const result = await check({ url: gateway.url, model: 'echo', payload: v1Payload });
    await gateway.stop();
    expect(result.exitCode).toBe(1);
    expect(result.outputs.ready).toBe('false');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain('model ready: authentication failed: GET');
    expect(result.errors[0]).toContain(
      `answered 302 with a redirect to ${gateway.url}/dex/auth?client_id=kubeflow-oidc-authservice`,
    );
    expect(gateway.seen.map((seen) => [seen.path, seen.decision])).toEqual([['/v1/models/echo', 'refused']]);
  });

  it('reports a 401 as an authentication failure', async () => {
    gateway = await startAuthGateway({ upstream: kserve.url, mode: 'unauthorized', token });
    const result = await check({ url: gateway.url, model: 'echo', token: 'expired-token' });
    await gateway.stop();
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/authentication failed: GET .*\/v2\/health\/live answered 401 Unauthorized/);
    expect(result.stdout).not.toMatch(/^(?!::add-mask::).*expired-token/m);
  });

  it('passes with the bearer token and the Host header the gateway routes on; the token stays masked', async () => {
    gateway = await startAuthGateway({
      upstream: kserve.url,
      mode: 'redirect',
      token,
      virtualHost: 'echo.models.example.com',
    });
    const url = `${gateway.url}/`;
    const result = await check({
      url,
      model: 'echo',
      host: 'echo.models.example.com',
      token,
      payload: v1Payload,
      expected: '[3, 7.5]',
      requests: 5,
    });
    await gateway.stop();
    expect(result.errors).toEqual([]);
    expect(result.outputs).toMatchObject({ ready: 'true', 'requests-sent': '5', 'error-rate': '0' });
    expect(result.masks).toContain(token);
    expect(
      result.stdout.split('\n').filter((line) => line.includes(token) && !line.startsWith('::add-mask::')),
    ).toEqual([]);
    expect(new Set(gateway.seen.map((seen) => `${seen.host} ${seen.decision}`))).toEqual(
      new Set(['echo.models.example.com proxied']),
    );
  });

  it('sends a session cookie from headers, masking its value', async () => {
    gateway = await startAuthGateway({ upstream: kserve.url, mode: 'redirect', token });
    const result = await check({ url: gateway.url, model: 'echo', headers: `Cookie: authservice_session=${token}` });
    await gateway.stop();
    expect(result.errors).toEqual([]);
    expect(result.outputs.ready).toBe('true');
    expect(result.masks).toContain(`authservice_session=${token}`);
  });

  it('gets the Istio 404 for a wrong Host, and says to check url and host', async () => {
    gateway = await startAuthGateway({
      upstream: kserve.url,
      mode: 'redirect',
      token,
      virtualHost: 'echo.models.example.com',
    });
    const result = await check({
      url: gateway.url,
      model: 'echo',
      token,
      host: 'wrong.example.com',
      'not-found-grace': '1s',
    });
    await gateway.stop();
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/no inference endpoints: .* Check url \(keep any path prefix\) and host/);
  });

  it.each([
    ['0.1', 1, 'fails'],
    ['0.3', 0, 'passes'],
  ])('counts failed timed requests (every 4th answered 503): max-error-rate %s %s', async (maxErrorRate, exitCode) => {
    gateway = await startAuthGateway({ upstream: kserve.url, mode: 'redirect', token, failEveryNthPost: 4 });
    const result = await check({
      url: gateway.url,
      model: 'echo',
      token,
      payload: v1Payload,
      requests: 20,
      concurrency: 2,
      'max-error-rate': maxErrorRate,
    });
    await gateway.stop();
    // POST 1 is the smoke request, 2..6 the untimed warm-up; of the timed POSTs 7..26, #8, #12, #16, #20 and #24 fail.
    expect(result.outputs).toMatchObject({ 'requests-sent': '20', 'error-rate': '0.25' });
    expect(result.exitCode).toBe(exitCode);
    if (exitCode) {
      expect(result.errors).toEqual([
        'SLO failed: error rate 25% is above max-error-rate 10% (20 requests at concurrency 2)',
      ]);
    }
    expect(result.summary).toContain('Failures: 5× `503`');
  });
});
