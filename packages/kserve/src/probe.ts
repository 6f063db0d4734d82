import { HttpError, type HttpClient } from '@mlops-actions/action-kit/http';

/** Every status comes back to the caller: judging it is this package's job, not the client's. */
export const EVERY_STATUS: readonly number[] = Array.from({ length: 500 }, (_, i) => i + 100);

/** What one request got: an answer, or a network failure. */
export type ProbeOutcome =
  | {
      kind: 'answer';
      method: string;
      url: string;
      status: number;
      /** As received, for parsing. */
      body: string;
      /** Without any secret the client sends: what messages and outputs quote. */
      shown: string;
      headers: Headers;
    }
  | { kind: 'unreachable'; method: string; url: string; code?: string; reason: string };

export interface ProbeOptions {
  timeoutMs: number;
  json?: unknown;
  method?: 'GET' | 'POST';
  signal?: AbortSignal;
}

/**
 * One attempt, no retry: the readiness loop owns waiting and backoff. Redirects are never
 * followed (HttpClient sends redirect: 'manual'), so a 3xx comes back as it is.
 */
export async function probe(client: HttpClient, path: string, options: ProbeOptions): Promise<ProbeOutcome> {
  const method = options.method ?? 'GET';
  try {
    const response = await client.request(method, path, {
      json: options.json,
      accept: EVERY_STATUS,
      retry: { maxAttempts: 1 },
      idempotent: true,
      timeoutMs: options.timeoutMs,
      deadlineMs: options.timeoutMs,
      signal: options.signal,
    });
    return {
      kind: 'answer',
      method,
      url: response.url,
      status: response.status,
      body: response.body,
      shown: response.redactedBody(),
      headers: response.headers,
    };
  } catch (error) {
    if (error instanceof HttpError) {
      return { kind: 'unreachable', method, url: error.url, code: error.code, reason: error.reason };
    }
    throw error;
  }
}

/** "503: {"error":"Model with name x is not ready."}" or "ECONNREFUSED", for logs and messages. */
export function describeOutcome(outcome: ProbeOutcome): string {
  if (outcome.kind === 'unreachable') return outcome.code ? `${outcome.code} (${outcome.reason})` : outcome.reason;
  const body = outcome.shown.replace(/\s+/g, ' ').trim();
  const clipped = body.length > 300 ? `${body.slice(0, 300)}…` : body;
  return clipped ? `${outcome.status}: ${clipped}` : `${outcome.status} (empty body)`;
}

export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
