import { describe, expect, it } from '@jest/globals';
import { outputsOf, truncateUtf8 } from '../src/main.js';
import type { HealthReport } from '@mlops-actions/kserve';

describe('truncateUtf8', () => {
  it('keeps short text and cuts long text at a byte limit without splitting a character', () => {
    expect(truncateUtf8('{"a":1}', 4096)).toBe('{"a":1}');
    const text = 'é'.repeat(3000); // 6000 bytes
    const cut = truncateUtf8(text, 4095);
    expect(Buffer.byteLength(cut)).toBe(4094);
    expect(cut).toBe('é'.repeat(2047));
  });
});

describe('outputsOf', () => {
  const readiness = { ready: true, timeline: [], elapsedMs: 1 };

  it('leaves latency outputs empty without timed requests', () => {
    const report: HealthReport = { model: 'm', passed: true, ready: true, protocol: 'v2', readiness };
    expect(outputsOf(report)).toEqual({
      ready: true,
      protocol: 'v2',
      'model-version': '',
      'latency-p50-ms': '',
      'latency-p95-ms': '',
      'latency-p99-ms': '',
      'error-rate': '',
      'requests-sent': 0,
      'requests-per-second': '',
      response: '',
    });
  });

  it('rounds the figures to microseconds', () => {
    const report: HealthReport = {
      model: 'm',
      passed: true,
      ready: true,
      protocol: 'v1',
      modelVersion: '7',
      readiness,
      load: {
        result: { sent: 3, errors: 1, latenciesMs: [1, 2], errorKinds: { '503': 1 }, durationMs: 3, maxInFlight: 1 },
        latency: { count: 2, p50: 1.23456, p95: 2.00049, p99: 2.0006, min: 1, max: 2, mean: 1.5 },
        errorRate: 1 / 3,
        concurrency: 1,
        requestsPerSecond: 1000,
        slo: { passed: true, breaches: [] },
      },
    };
    expect(outputsOf(report)).toMatchObject({
      'model-version': '7',
      'latency-p50-ms': 1.235,
      'latency-p95-ms': 2,
      'latency-p99-ms': 2.001,
      'error-rate': 0.333333,
      'requests-sent': 3,
      'requests-per-second': 1000,
    });
  });
});
