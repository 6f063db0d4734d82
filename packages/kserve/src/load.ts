import { performance } from 'node:perf_hooks';

/** One timed request: whether it succeeded and, when not, a short kind ("503", "TIMEOUT"). */
export interface SendResult {
  ok: boolean;
  error?: string;
}

export interface LoadOptions {
  requests: number;
  concurrency: number;
  send: () => Promise<SendResult>;
  /**
   * Untimed requests first, at the same concurrency: they open the pool's connections and warm
   * the client up, so the first timed samples do not carry a TCP handshake. Default 0.
   */
  warmup?: number;
  now?: () => number;
}

export interface LoadResult {
  sent: number;
  errors: number;
  /** Latency of every successful request, ms, in completion order. */
  latenciesMs: number[];
  /** Failures by kind, e.g. { "503": 2, "TIMEOUT": 1 }. */
  errorKinds: Record<string, number>;
  /** From the first send to the last answer. */
  durationMs: number;
  /** The most requests that were in flight at once (never above `concurrency`). */
  maxInFlight: number;
}

/**
 * Sends exactly `requests` requests with at most `concurrency` in flight (a fixed pool of
 * workers pulling from one counter), timing each from send to the last byte of the answer.
 */
export async function runTimedLoad(options: LoadOptions): Promise<LoadResult> {
  const now = options.now ?? (() => performance.now());
  const workers = Math.max(1, Math.min(options.concurrency, options.requests));
  const result: LoadResult = { sent: 0, errors: 0, latenciesMs: [], errorKinds: {}, durationMs: 0, maxInFlight: 0 };
  let next = 0;
  let inFlight = 0;

  const worker = async () => {
    while (next < options.requests) {
      next++;
      result.sent++;
      inFlight++;
      result.maxInFlight = Math.max(result.maxInFlight, inFlight);
      const started = now();
      let outcome: SendResult;
      try {
        outcome = await options.send();
      } catch (error) {
        outcome = { ok: false, error: error instanceof Error ? error.name : 'error' };
      }
      const took = now() - started;
      inFlight--;
      if (outcome.ok) result.latenciesMs.push(took);
      else {
        result.errors++;
        const kind = outcome.error ?? 'error';
        result.errorKinds[kind] = (result.errorKinds[kind] ?? 0) + 1;
      }
    }
  };

  await warmUp(options.send, options.warmup ?? 0, options.concurrency);
  const started = now();
  await Promise.all(Array.from({ length: workers }, worker));
  result.durationMs = now() - started;
  return result;
}

async function warmUp(send: () => Promise<SendResult>, count: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await send().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(count, concurrency) }, worker));
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/** Exact nearest-rank percentiles over every sample (never an average of averages). */
export function summarizeLatencies(samples: readonly number[]): LatencySummary | undefined {
  if (samples.length === 0) return undefined;
  const sorted = Float64Array.from(samples).sort();
  const rank = (p: number) => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    mean: total / sorted.length,
  };
}
