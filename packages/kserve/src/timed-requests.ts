import { HttpError, type HttpClient } from '@mlops-actions/action-kit/http';
import { runTimedLoad, type LoadResult, type SendResult } from './load.js';

/** Untimed requests before the timed ones: at least one per worker, to open its connection. */
const MIN_WARMUP = 5;

export interface TimedRequestsOptions {
  path: string;
  payload: unknown;
  requests: number;
  concurrency: number;
  requestTimeoutMs: number;
}

/**
 * The timed inference load: the same body (serialised once) POSTed `requests` times, one attempt
 * each (a retry would hide the failure and its latency); any non-2xx or network failure counts
 * as an error. A few untimed warm-up requests open the connections first. It goes through HttpClient.sendOnce, which skips fetch's per-request cost, so the
 * figures are the server's and not the client's garbage collector's.
 */
export function sendTimedRequests(client: HttpClient, options: TimedRequestsOptions): Promise<LoadResult> {
  const sendOptions = {
    body: JSON.stringify(options.payload),
    headers: { 'content-type': 'application/json' },
    timeoutMs: options.requestTimeoutMs,
  };
  const send = async (): Promise<SendResult> => {
    try {
      const { status } = await client.sendOnce('POST', options.path, sendOptions);
      if (status >= 200 && status < 300) return { ok: true };
      return { ok: false, error: String(status) };
    } catch (error) {
      if (error instanceof HttpError) return { ok: false, error: error.code ?? 'network error' };
      throw error;
    }
  };
  return runTimedLoad({
    requests: options.requests,
    concurrency: options.concurrency,
    send,
    warmup: Math.max(options.concurrency, MIN_WARMUP),
  });
}
