import { describe, expect, it } from '@jest/globals';
import { evaluateSlo, runTimedLoad, summarizeLatencies, type SendResult } from '../src/index.js';

describe('summarizeLatencies', () => {
  it('computes exact nearest-rank percentiles over every sample, whatever the order', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, shuffled order
    expect(summarizeLatencies(samples)).toEqual({
      count: 100,
      p50: 50,
      p95: 95,
      p99: 99,
      min: 1,
      max: 100,
      mean: 50.5,
    });
  });

  it('keeps a single outlier visible in p99 and max of a small sample', () => {
    const summary = summarizeLatencies([2, 2, 2, 2, 2, 2, 2, 2, 2, 900])!;
    expect([summary.p50, summary.p95, summary.p99, summary.max]).toEqual([2, 900, 900, 900]);
  });

  it('has nothing to say about no samples', () => {
    expect(summarizeLatencies([])).toBeUndefined();
  });
});

describe('runTimedLoad', () => {
  it('sends exactly the number asked, never more than `concurrency` at once, and fills the pool', async () => {
    let inFlight = 0;
    let peak = 0;
    let calls = 0;
    const send = async (): Promise<SendResult> => {
      calls++;
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return { ok: true };
    };
    const result = await runTimedLoad({ requests: 57, concurrency: 8, send });
    expect(calls).toBe(57);
    expect(peak).toBe(8);
    expect(result).toMatchObject({ sent: 57, errors: 0, maxInFlight: 8 });
    expect(result.latenciesMs).toHaveLength(57);
  });

  it('times each request from send to answer with the given clock, and counts failures by kind', async () => {
    let clock = 0;
    let n = 0;
    const send = async (): Promise<SendResult> => {
      n++;
      clock += n; // request n takes n ms
      if (n % 5 === 0) return { ok: false, error: '503' };
      if (n === 7) throw new TypeError('boom');
      return { ok: true };
    };
    const result = await runTimedLoad({ requests: 10, concurrency: 1, send, now: () => clock });
    expect(result.errors).toBe(3);
    expect(result.errorKinds).toEqual({ '503': 2, TypeError: 1 });
    expect(result.latenciesMs).toEqual([1, 2, 3, 4, 6, 8, 9]);
    expect(result.durationMs).toBe(55);
  });

  it('sends the warm-up requests first, untimed and uncounted, at the same concurrency', async () => {
    let calls = 0;
    const callsWhenTimingStarted: number[] = [];
    const send = async (): Promise<SendResult> => {
      calls++;
      return calls === 1 ? { ok: false, error: '503' } : { ok: true };
    };
    const now = () => {
      callsWhenTimingStarted.push(calls);
      return 0;
    };
    const result = await runTimedLoad({ requests: 4, concurrency: 2, send, warmup: 3, now });
    expect(calls).toBe(7);
    expect(callsWhenTimingStarted[0]).toBe(3);
    expect(result).toMatchObject({ sent: 4, errors: 0 });
    expect(result.latenciesMs).toHaveLength(4);
  });

  it('uses no more workers than requests', async () => {
    const result = await runTimedLoad({ requests: 2, concurrency: 64, send: async () => ({ ok: true }) });
    expect(result).toMatchObject({ sent: 2, maxInFlight: 2 });
  });
});

describe('evaluateSlo', () => {
  const latency = summarizeLatencies(Array.from({ length: 100 }, (_, i) => i + 1));
  it('passes within the bounds', () => {
    expect(
      evaluateSlo({ maxP95Ms: 95, maxErrorRate: 0.01 }, { latency, errorRate: 0.01, sent: 100, concurrency: 4 }),
    ).toEqual({
      passed: true,
      breaches: [],
    });
  });

  it('fails with the figures for each broken bound', () => {
    const verdict = evaluateSlo(
      { maxP95Ms: 50, maxErrorRate: 0 },
      { latency, errorRate: 0.02, sent: 100, concurrency: 4 },
    );
    expect(verdict.passed).toBe(false);
    expect(verdict.breaches).toEqual([
      'error rate 2% is above max-error-rate 0% (100 requests at concurrency 4)',
      'p95 latency 95 ms is above max-p95-ms 50 ms (p50 50 ms, p99 99 ms; 100 requests at concurrency 4)',
    ]);
  });

  it('fails a p95 bound when no request succeeded', () => {
    const verdict = evaluateSlo({ maxP95Ms: 50, maxErrorRate: 1 }, { errorRate: 1, sent: 3, concurrency: 1 });
    expect(verdict.breaches).toEqual([
      'no request succeeded, so p95 cannot be under max-p95-ms 50 (3 requests at concurrency 1)',
    ]);
  });
});
