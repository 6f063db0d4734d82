import { describe, expect, it } from '@jest/globals';
import { memoryLogger } from '@mlops-actions/action-kit/logger';
import { waitUntilReady, type ReadinessOptions } from '../src/index.js';
import { empty, fakeClock, json, refused, scriptedClient, type Answer } from './scripted.js';

const base: ReadinessOptions = {
  model: 'iris',
  protocol: 'auto',
  timeoutMs: 60_000,
  requestTimeoutMs: 5_000,
  notFoundGraceMs: 10_000,
};

const kserveReady: Record<string, Answer[]> = {
  'GET /prefix/v2/health/live': [json(200, { live: true })],
  'GET /prefix/v2/health/ready': [json(200, { ready: true })],
  'GET /prefix/v2/models/iris/ready': [json(200, { name: 'iris', ready: true })],
  'GET /prefix/v2/models/iris': [json(200, { name: 'iris', versions: ['3'], platform: '' })],
};

async function run(script: Record<string, Answer[]>, options: Partial<ReadinessOptions> = {}) {
  const clock = fakeClock();
  const { client, calls } = scriptedClient(script, clock);
  const logger = memoryLogger();
  const result = await waitUntilReady({ ...base, ...options }, { client, clock, logger, random: () => 0.5 });
  return { result, calls, clock, logger };
}

describe('waitUntilReady: the V2 stages', () => {
  it('walks server live → server ready → model ready → version, keeping the URL path prefix', async () => {
    const { result, calls } = await run(kserveReady);
    expect(result).toMatchObject({ ready: true, protocol: 'v2', modelVersion: '3' });
    expect(result.timeline.map((step) => [step.stage, step.outcome])).toEqual([
      ['server live', 'passed'],
      ['server ready', 'passed'],
      ['model ready', 'passed'],
      ['model version', 'passed'],
    ]);
    expect(calls).toEqual([
      'GET /prefix/v2/health/live',
      'GET /prefix/v2/health/ready',
      'GET /prefix/v2/models/iris/ready',
      'GET /prefix/v2/models/iris',
    ]);
  });

  it("waits out KServe's 503 with JSON, backing off between polls", async () => {
    const notReady = json(503, { error: 'Model with name iris is not ready.' });
    const { result, clock, logger } = await run({
      ...kserveReady,
      'GET /prefix/v2/models/iris/ready': [notReady, notReady, notReady, json(200, { ready: true })],
    });
    expect(result.ready).toBe(true);
    expect(result.timeline[2]).toMatchObject({ stage: 'model ready', attempts: 4 });
    // Doubling from 250 ms with half jittered (random 0.5): 188, 375, 750.
    expect(clock.sleeps).toEqual([188, 375, 750]);
    // The same reason is logged once, not on every poll.
    expect(logger.lines.filter((line) => line.includes('not yet')).length).toBe(1);
  });

  it("waits out MLServer's and Triton's 400 with an empty body (status first, body second)", async () => {
    const { result } = await run({
      ...kserveReady,
      'GET /prefix/v2/health/ready': [empty(400), empty(400), empty(200)],
      'GET /prefix/v2/models/iris/ready': [empty(400), empty(200)],
    });
    expect(result.ready).toBe(true);
    expect(result.timeline.map((step) => step.attempts)).toEqual([1, 3, 2, 1]);
  });

  it('waits while the port is closed or the connection resets, and through 502/504/429', async () => {
    const { result } = await run({
      ...kserveReady,
      'GET /prefix/v2/health/live': [
        refused,
        { networkError: 'ECONNRESET' },
        empty(502),
        empty(504),
        empty(429),
        json(200, {}),
      ],
    });
    expect(result.ready).toBe(true);
    expect(result.timeline[0]).toMatchObject({ stage: 'server live', attempts: 6 });
  });

  it('restarts the backoff when the answer changes (the server is making progress)', async () => {
    const { clock } = await run({
      ...kserveReady,
      'GET /prefix/v2/health/live': [refused, refused, refused, empty(503), empty(503), json(200, {})],
    });
    expect(clock.sleeps).toEqual([188, 375, 750, 188, 375]);
  });

  it('honours Retry-After on a 503', async () => {
    const { clock } = await run({
      ...kserveReady,
      'GET /prefix/v2/health/ready': [{ status: 503, body: '', headers: { 'retry-after': '7' } }, empty(200)],
    });
    expect(clock.sleeps).toEqual([7000]);
  });

  it('does not take a 200 whose body says "ready": false', async () => {
    const { result } = await run({
      ...kserveReady,
      'GET /prefix/v2/models/iris/ready': [json(200, { name: 'iris', ready: false }), json(200, { ready: true })],
    });
    expect(result.timeline[2]!.attempts).toBe(2);
  });

  it('gives up at the timeout with the last answer, how long, and what to do', async () => {
    const { result, clock } = await run(
      {
        ...kserveReady,
        'GET /prefix/v2/models/iris/ready': [json(503, { error: 'Model with name iris is not ready.' })],
      },
      { timeoutMs: 30_000 },
    );
    expect(result.ready).toBe(false);
    expect(clock.elapsed()).toBe(30_000);
    expect(result.timeline.at(-1)).toMatchObject({ stage: 'model ready', outcome: 'timed out' });
    expect(result.failure!.reason).toMatch(/^model ready: not reached within 30s/);
    expect(result.failure!.reason).toContain('Model with name iris is not ready.');
    expect(result.failure!.reason).toContain('raise timeout');
  });
});

describe('waitUntilReady: terminal answers', () => {
  it('reports a 302 to a login page as an authentication failure at once, without following it', async () => {
    const { result, calls } = await run({
      'GET /prefix/v2/health/live': [
        { status: 302, body: '', headers: { location: '/dex/auth?client_id=kubeflow&state=abc' } },
      ],
    });
    expect(result.ready).toBe(false);
    expect(result.failure!.auth).toBe(true);
    expect(result.failure!.reason).toContain('authentication failed');
    expect(result.failure!.reason).toContain('302 with a redirect to http://model.test/dex/auth?client_id=kubeflow');
    expect(calls).toEqual(['GET /prefix/v2/health/live']);
  });

  it.each([
    [401, /401 Unauthorized.*token/],
    [403, /403 Forbidden.*AuthorizationPolicy/],
  ])('fails at once on %s', async (status, message) => {
    const { result, calls } = await run({ 'GET /prefix/v2/health/live': [empty(status)] });
    expect(result.failure).toMatchObject({ auth: true });
    expect(result.failure!.reason).toMatch(message);
    expect(calls).toHaveLength(1);
  });

  it('fails on an HTML page where a health answer belongs (a login page served with 200)', async () => {
    const { result } = await run({
      'GET /prefix/v2/health/live': [
        { status: 200, body: '<html><form>Sign in</form></html>', headers: { 'content-type': 'text/html' } },
      ],
    });
    expect(result.failure!.reason).toContain('HTML page');
  });

  it('waits out a 404 for the grace period, then lists the models the server does serve', async () => {
    const missing = json(404, { error: 'Model with name iris does not exist.' });
    const { result, clock, calls } = await run({
      ...kserveReady,
      'GET /prefix/v2/models/iris/ready': [missing],
      'POST /prefix/v2/repository/index': [
        json(200, [
          { name: 'iris-v2', version: '1', state: 'READY' },
          { name: 'other', state: 'UNAVAILABLE' },
        ]),
      ],
    });
    expect(clock.elapsed()).toBeGreaterThanOrEqual(10_000);
    expect(clock.elapsed()).toBeLessThan(20_000);
    expect(result.failure!.reason).toContain("model 'iris' not found");
    expect(result.failure!.reason).toContain('the server serves: iris-v2 (READY), other (UNAVAILABLE)');
    expect(calls).toContain('POST /prefix/v2/repository/index');
  });

  it("falls back to KServe's model list when the server has no repository index", async () => {
    const { result } = await run(
      {
        ...kserveReady,
        'GET /prefix/v2/models/iris/ready': [json(404, { error: 'Model with name iris does not exist.' })],
        'GET /prefix/v2/models': [json(200, { models: ['echo', 'sum'] })],
      },
      { notFoundGraceMs: 0 },
    );
    expect(result.failure!.reason).toContain('the server serves: echo, sum');
  });
});

describe('waitUntilReady: protocol detection and versions', () => {
  it('uses V1 when the server has no V2 endpoints (auto, no payload)', async () => {
    const { result, calls } = await run({ 'GET /prefix/v1/models/iris': [json(200, { name: 'iris', ready: true })] });
    expect(result).toMatchObject({ ready: true, protocol: 'v1' });
    expect(result.timeline.map((step) => [step.stage, step.outcome])).toEqual([
      ['server live', 'skipped'],
      ['model ready', 'passed'],
    ]);
    expect(calls.at(-1)).toBe('GET /prefix/v1/models/iris');
  });

  it('waits for a host that does not resolve only during the grace period', async () => {
    const { result, clock } = await run(
      { 'GET /prefix/v2/health/live': [{ networkError: 'ENOTFOUND' }] },
      { notFoundGraceMs: 3_000 },
    );
    expect(clock.elapsed()).toBeGreaterThanOrEqual(3_000);
    expect(clock.elapsed()).toBeLessThan(10_000);
    expect(result.failure!.reason).toMatch(/^server live: the host does not resolve .*check url$/);
  });

  it('says neither protocol answers when everything is 404 after the grace period (wrong url or host)', async () => {
    const { result } = await run({}, { notFoundGraceMs: 0 });
    expect(result.failure!.reason).toMatch(/no inference endpoints.*Check url .* and host/);
  });

  it('waits for the model version during a rollout, via metadata or the versioned ready endpoint', async () => {
    const { result } = await run(
      {
        ...kserveReady,
        'GET /prefix/v2/models/iris': [json(200, { name: 'iris', versions: [] })],
        'GET /prefix/v2/models/iris/versions/5/ready': [empty(404), empty(404), empty(200)],
      },
      { modelVersion: '5' },
    );
    expect(result).toMatchObject({ ready: true, modelVersion: '5' });
    expect(result.timeline.at(-1)).toMatchObject({ stage: 'model version', attempts: 3 });
  });

  it('fails at the timeout when the wanted version never shows up, naming what the model reports', async () => {
    const { result } = await run(kserveReady, { modelVersion: '4', timeoutMs: 5_000 });
    expect(result.ready).toBe(false);
    expect(result.failure!.reason).toContain('reports version 3');
    expect(result.failure!.reason).toContain('waiting for version 4');
  });

  it('skips missing metadata when no version is asked for', async () => {
    const { result } = await run({ ...kserveReady, 'GET /prefix/v2/models/iris': [empty(404)] });
    expect(result.ready).toBe(true);
    expect(result.timeline.at(-1)).toMatchObject({ stage: 'model version', outcome: 'skipped' });
  });
});
