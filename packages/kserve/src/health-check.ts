import type { Clock, HttpClient } from '@mlops-actions/action-kit/http';
import { silentLogger, type Logger } from '@mlops-actions/action-kit/logger';
import { summarizeLatencies, type LatencySummary, type LoadResult } from './load.js';
import { inferencePath, payloadProtocol, type Protocol } from './protocol.js';
import { waitUntilReady, type ReadinessOptions, type ReadinessResult } from './readiness.js';
import { evaluateSlo, formatRate, ms, type SloVerdict } from './slo.js';
import { smokeInference, type SmokeResult } from './smoke.js';
import { sendTimedRequests } from './timed-requests.js';

export interface HealthCheckOptions extends Omit<ReadinessOptions, 'poll'> {
  /** A sample request; without one only readiness is checked. */
  payload?: unknown;
  expected?: unknown;
  tolerance: number;
  /** Timed requests after the smoke request (0: none). */
  requests: number;
  concurrency: number;
  maxP95Ms?: number;
  maxErrorRate: number;
}

export interface HealthCheckDeps {
  client: HttpClient;
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
}

export interface LoadReport {
  result: LoadResult;
  latency?: LatencySummary;
  errorRate: number;
  concurrency: number;
  requestsPerSecond: number;
  slo: SloVerdict;
}

export interface HealthReport {
  model: string;
  /** Ready, answered correctly and within the SLO. */
  passed: boolean;
  ready: boolean;
  protocol?: Protocol;
  modelVersion?: string;
  readiness: ReadinessResult;
  smoke?: SmokeResult;
  load?: LoadReport;
  failure?: { stage: 'readiness' | 'smoke inference' | 'latency SLO'; message: string; auth: boolean };
}

/**
 * The whole check: readiness, then (with a payload) one smoke inference compared with the
 * expected answer, then (with `requests`) the timed load and its SLO gate. Never throws for an
 * unhealthy endpoint: the report says what failed, so the caller can still publish figures.
 */
export async function checkHealth(options: HealthCheckOptions, deps: HealthCheckDeps): Promise<HealthReport> {
  const logger = deps.logger ?? silentLogger;
  const inferenceProtocol =
    options.payload === undefined ? undefined : payloadProtocol(options.payload, options.protocol);
  const readiness = await logger.group(`Readiness of model ${options.model}`, () =>
    waitUntilReady({ ...options, protocol: inferenceProtocol ?? options.protocol }, deps),
  );
  const report: HealthReport = {
    model: options.model,
    passed: false,
    ready: readiness.ready,
    protocol: inferenceProtocol ?? readiness.protocol,
    modelVersion: readiness.modelVersion,
    readiness,
  };
  if (readiness.failure) {
    report.failure = { stage: 'readiness', message: readiness.failure.reason, auth: readiness.failure.auth };
    return report;
  }
  if (options.modelVersion && report.protocol === 'v1') {
    report.failure = {
      stage: 'readiness',
      message: `model-version needs the Open Inference Protocol (v2), but the server speaks v1: drop model-version or use a v2 endpoint`,
      auth: false,
    };
    return report;
  }
  if (!inferenceProtocol) {
    report.passed = true;
    return report;
  }

  const smoke = await logger.group('Smoke inference', async () => {
    const result = await smokeInference(deps.client, {
      protocol: inferenceProtocol,
      model: options.model,
      payload: options.payload,
      expected: options.expected,
      tolerance: options.tolerance,
      modelVersion: options.modelVersion,
      requestTimeoutMs: options.requestTimeoutMs,
    });
    if (result.passed) {
      logger.info(`${result.endpoint}: ${result.status}${result.compared ? ', the answer matches expected' : ''}`);
    }
    return result;
  });
  report.smoke = smoke;
  if (smoke.failure) {
    report.failure = { stage: 'smoke inference', message: smoke.failure.reason, auth: smoke.failure.auth };
    return report;
  }

  if (options.requests > 0) {
    report.load = await logger.group(`${options.requests} timed requests at concurrency ${options.concurrency}`, () =>
      timedLoad(options, inferenceProtocol, deps),
    );
    logger.info(describeLoad(report.load));
    if (!report.load.slo.passed) {
      report.failure = {
        stage: 'latency SLO',
        message: `SLO failed: ${report.load.slo.breaches.join('; ')}`,
        auth: false,
      };
      return report;
    }
  }
  report.passed = true;
  return report;
}

async function timedLoad(options: HealthCheckOptions, protocol: Protocol, deps: HealthCheckDeps): Promise<LoadReport> {
  const concurrency = Math.min(options.concurrency, options.requests);
  const result = await sendTimedRequests(deps.client, {
    path: inferencePath(protocol, options.model),
    payload: options.payload,
    requests: options.requests,
    concurrency,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const latency = summarizeLatencies(result.latenciesMs);
  const errorRate = result.sent ? result.errors / result.sent : 0;
  const slo = evaluateSlo(
    { maxP95Ms: options.maxP95Ms, maxErrorRate: options.maxErrorRate },
    { latency, errorRate, sent: result.sent, concurrency },
  );
  const requestsPerSecond = result.durationMs > 0 ? (result.sent * 1000) / result.durationMs : 0;
  return { result, latency, errorRate, concurrency, requestsPerSecond, slo };
}

export function describeLoad(load: LoadReport): string {
  const { result, latency } = load;
  const figures = latency
    ? `p50 ${ms(latency.p50)}, p95 ${ms(latency.p95)}, p99 ${ms(latency.p99)}`
    : 'no successful request';
  const errors = result.errors
    ? `${result.errors} failed (${Object.entries(result.errorKinds)
        .map(([kind, count]) => `${count}× ${kind}`)
        .join(', ')})`
    : 'none failed';
  return `${result.sent} requests at concurrency ${load.concurrency}: ${figures}; error rate ${formatRate(load.errorRate)}, ${errors}; ${load.requestsPerSecond.toFixed(1)} requests/s`;
}
