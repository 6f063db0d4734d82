import type { LatencySummary } from './load.js';

export interface SloBounds {
  /** Upper bound on the 95th percentile latency, ms. */
  maxP95Ms?: number;
  /** Upper bound on the share of failed timed requests, 0..1. */
  maxErrorRate: number;
}

export interface SloVerdict {
  passed: boolean;
  /** One sentence per broken bound, with the figures. */
  breaches: string[];
}

export function evaluateSlo(
  bounds: SloBounds,
  measured: { latency?: LatencySummary; errorRate: number; sent: number; concurrency: number },
): SloVerdict {
  const breaches: string[] = [];
  const of = `${measured.sent} requests at concurrency ${measured.concurrency}`;
  if (measured.errorRate > bounds.maxErrorRate) {
    breaches.push(
      `error rate ${formatRate(measured.errorRate)} is above max-error-rate ${formatRate(bounds.maxErrorRate)} (${of})`,
    );
  }
  if (bounds.maxP95Ms !== undefined) {
    if (!measured.latency) {
      breaches.push(`no request succeeded, so p95 cannot be under max-p95-ms ${bounds.maxP95Ms} (${of})`);
    } else if (measured.latency.p95 > bounds.maxP95Ms) {
      const { p50, p95, p99 } = measured.latency;
      breaches.push(
        `p95 latency ${ms(p95)} is above max-p95-ms ${bounds.maxP95Ms} ms (p50 ${ms(p50)}, p99 ${ms(p99)}; ${of})`,
      );
    }
  }
  return { passed: breaches.length === 0, breaches };
}

export function formatRate(rate: number): string {
  return `${Number((rate * 100).toFixed(2))}%`;
}

export function ms(value: number): string {
  return `${Number(value.toFixed(value < 10 ? 2 : 1))} ms`;
}
