import { HttpError, type HttpClient } from '@mlops-actions/action-kit/http';
import { EVERY_STATUS } from './probe.js';
import { runTimedLoad, type LoadResult, type SendResult } from './load.js';

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
 * as an error.
 */
export function sendTimedRequests(client: HttpClient, options: TimedRequestsOptions): Promise<LoadResult> {
  const body = JSON.stringify(options.payload);
  const requestOptions = {
    body,
    headers: { 'content-type': 'application/json' },
    accept: EVERY_STATUS,
    retry: { maxAttempts: 1 },
    idempotent: true,
    timeoutMs: options.requestTimeoutMs,
    deadlineMs: options.requestTimeoutMs,
  };
  const send = async (): Promise<SendResult> => {
    try {
      const response = await client.request('POST', options.path, requestOptions);
      if (response.status >= 200 && response.status < 300) return { ok: true };
      return { ok: false, error: String(response.status) };
    } catch (error) {
      if (error instanceof HttpError) return { ok: false, error: error.code ?? 'network error' };
      throw error;
    }
  };
  return runTimedLoad({ requests: options.requests, concurrency: options.concurrency, send });
}
