import { describe, expect, it } from '@jest/globals';
import { memoryLogger } from '@mlops-actions/action-kit/logger';
import { checkHealth, renderSummary, type HealthCheckOptions } from '../src/index.js';
import { fakeClock, json, scriptedClient, type Answer } from './scripted.js';

const v2Ready: Record<string, Answer[]> = {
  'GET /prefix/v2/health/live': [json(200, { live: true })],
  'GET /prefix/v2/health/ready': [json(200, { ready: true })],
  'GET /prefix/v2/models/iris/ready': [json(200, { ready: true })],
  'GET /prefix/v2/models/iris': [json(200, { name: 'iris', versions: ['2'] })],
};
const v2Payload = { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] };
const v2Answer = {
  model_name: 'iris',
  model_version: '2',
  id: 'r1',
  outputs: [{ name: 'y', shape: [1], datatype: 'INT64', data: [1] }],
};

const base: HealthCheckOptions = {
  model: 'iris',
  protocol: 'auto',
  timeoutMs: 60_000,
  requestTimeoutMs: 5_000,
  notFoundGraceMs: 10_000,
  tolerance: 1e-6,
  requests: 0,
  concurrency: 1,
  maxErrorRate: 0,
};

async function run(script: Record<string, Answer[]>, options: Partial<HealthCheckOptions>) {
  const clock = fakeClock();
  const { client, calls } = scriptedClient(script, clock);
  const logger = memoryLogger();
  const report = await checkHealth({ ...base, ...options }, { client, clock, logger, random: () => 0.5 });
  return { report, calls, logger };
}

describe('checkHealth', () => {
  it('runs readiness, the smoke inference and the timed requests, in that order', async () => {
    const { report, calls } = await run(
      { ...v2Ready, 'POST /prefix/v2/models/iris/infer': [json(200, v2Answer)] },
      {
        payload: v2Payload,
        expected: [{ name: 'y', data: [1] }],
        requests: 5,
        concurrency: 2,
        maxP95Ms: 1000,
        modelVersion: '2',
      },
    );
    expect(report).toMatchObject({ passed: true, ready: true, protocol: 'v2', modelVersion: '2' });
    expect(report.smoke).toMatchObject({ passed: true, compared: true, status: 200 });
    expect(report.load).toMatchObject({ errorRate: 0, concurrency: 2, result: { sent: 5, errors: 0 } });
    // The smoke request, 5 untimed warm-up requests (at least one per worker), 5 timed ones.
    expect(calls.filter((call) => call.startsWith('POST'))).toHaveLength(11);
    expect(calls.indexOf('POST /prefix/v2/models/iris/infer')).toBeGreaterThan(
      calls.indexOf('GET /prefix/v2/models/iris'),
    );
  });

  it('fails the smoke inference when another model version answers', async () => {
    const { report } = await run(
      {
        ...v2Ready,
        'GET /prefix/v2/models/iris/versions/3/ready': [{ status: 200, body: '' }],
        'POST /prefix/v2/models/iris/infer': [json(200, v2Answer)],
      },
      { payload: v2Payload, modelVersion: '3' },
    );
    expect(report.failure).toMatchObject({ stage: 'smoke inference' });
    expect(report.failure!.message).toBe(
      'smoke inference: the answer is from another model version at model_version: expected "3", got "2" (another version answered)',
    );
  });

  it('counts non-2xx timed answers as errors and fails the error-rate gate with the figures', async () => {
    const { report } = await run(
      { ...v2Ready, 'POST /prefix/v2/models/iris/infer': [...Array(7).fill(json(200, v2Answer)), json(503, {})] },
      { payload: v2Payload, requests: 4, maxErrorRate: 0.5 },
    );
    // The smoke request, the 5 warm-up requests and the first timed one get 200, then 503 repeats.
    expect(report.load!.result).toMatchObject({ sent: 4, errors: 3, errorKinds: { '503': 3 } });
    expect(report.failure).toEqual({
      stage: 'latency SLO',
      message: 'SLO failed: error rate 75% is above max-error-rate 50% (4 requests at concurrency 1)',
      auth: false,
    });
    expect(renderSummary(report, { url: 'http://model.test/prefix' })).toContain('Failures: 3× `503`');
  });

  it('refuses model-version when the server turns out to speak V1', async () => {
    const { report } = await run(
      { 'GET /prefix/v1/models/iris': [json(200, { name: 'iris', ready: true })] },
      { modelVersion: '1' },
    );
    expect(report.passed).toBe(false);
    expect(report.failure!.message).toMatch(/^model-version needs the Open Inference Protocol \(v2\)/);
  });

  it('reports an auth failure on the smoke request (the gateway lets health through, not inference)', async () => {
    const { report } = await run(
      { ...v2Ready, 'POST /prefix/v2/models/iris/infer': [{ status: 403, body: 'RBAC: access denied' }] },
      { payload: v2Payload },
    );
    expect(report.ready).toBe(true);
    expect(report.failure).toMatchObject({ stage: 'smoke inference', auth: true });
    expect(report.failure!.message).toContain('403 Forbidden');
  });
});
