import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { silentLogger, type Logger } from '../logger.js';
import { DEFAULT_RETRY, backoffDelay, parseRetryAfter, type RetryPolicy } from './backoff.js';
import { createDispatcher, type TlsOptions } from './dispatcher.js';
import type { Deadline } from './deadline.js';
import { HttpError, clipBody, isRetryableStatus } from './errors.js';
import { redactUrl, redactor } from './redact.js';

export type Auth = { type: 'bearer'; token: string } | { type: 'basic'; username: string; password: string };

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    }),
};

export type FetchLike = (url: string, init: Record<string, unknown>) => Promise<Response>;

export interface HttpClientOptions {
  /** The step's deadline: no attempt runs past it, whatever the per-request timeouts say. */
  deadline: Deadline;
  /** Paths are resolved against it; its own path prefix is kept. */
  baseUrl?: string | URL;
  auth?: Auth;
  /** Sent with every request; their values are treated as secrets (redacted wherever a body is quoted). */
  headers?: Record<string, string>;
  /** Per attempt, until the whole body is read. Default 30 s. */
  timeoutMs?: number;
  /** For one request with all its retries. Default 2 min. */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
  tls?: TlsOptions;
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
  /** Replaces the network, for tests that need no server. */
  fetch?: FetchLike;
  userAgent?: string;
  /** A Host header other than the URL's, for gateway routing (Istio, Knative); fetch alone cannot send one. */
  hostHeader?: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | readonly string[]>;
  json?: unknown;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /**
   * Whether sending it twice is harmless. Defaults to true for GET, HEAD, PUT, DELETE and
   * OPTIONS. A non-idempotent request is retried only when it surely never reached the server
   * (connection refused, 429); otherwise the HttpError says `outcomeUnknown` and the caller looks first.
   */
  idempotent?: boolean;
  /** Statuses returned to the caller instead of thrown (e.g. 404 when absence is an answer). */
  accept?: readonly number[];
  timeoutMs?: number;
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
}

export interface SendOnceOptions {
  body?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Redacted. */
  url: string;
  /** As received, for parsing; quote `redactedBody()` instead. */
  body: string;
  /** The body without any secret the client knows: the only form to put in a message, log or output. */
  redactedBody(): string;
  json<T = unknown>(): T;
}

const ALL_STATUSES: readonly number[] = Array.from({ length: 500 }, (_, i) => i + 100);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Errors raised before a single byte was sent: retrying a write after them is safe. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

interface Attempt {
  response?: HttpResponse;
  error?: HttpError;
  retryable: boolean;
  retryAfterMs?: number;
}

/**
 * A small HTTP client over undici's fetch: per-attempt timeout, overall deadline, retries with
 * capped exponential backoff and full jitter, Retry-After, proxy and CA support, and errors that
 * never carry a credential. Redirects are not followed: a 3xx is returned or thrown as it is.
 */
export class HttpClient {
  private readonly baseUrl?: URL;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly retry: RetryPolicy;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly fetchImpl: FetchLike;
  private readonly deadline: Deadline;
  /** Removes every secret the client sends (token, basic credentials, header values) from a text. */
  readonly redact: (text: string) => string;
  private dispatcher?: Dispatcher;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl ? new URL(String(options.baseUrl)) : undefined;
    this.headers = { 'user-agent': options.userAgent ?? 'mlops-actions', ...options.headers };
    const secrets = Object.values(options.headers ?? {});
    if (options.auth?.type === 'bearer') {
      this.headers.authorization = `Bearer ${options.auth.token}`;
      secrets.push(options.auth.token);
    } else if (options.auth?.type === 'basic') {
      const { username, password } = options.auth;
      this.headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      secrets.push(password, `${username}:${password}`);
    }
    this.redact = redactor(secrets);
    this.deadline = options.deadline;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.deadlineMs = options.deadlineMs ?? 120_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.fetchImpl = options.fetch ?? ((url, init) => this.networkFetch(url, init));
  }

  get(path: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('GET', path, options);
  }

  post(path: string, options?: RequestOptions): Promise<HttpResponse> {
    return this.request('POST', path, options);
  }

  /** Resolves a path against the base URL, keeping the base's own path prefix. */
  url(path: string, query?: RequestOptions['query']): URL {
    const url = this.baseUrl ? joinUrl(this.baseUrl, path) : new URL(path);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
    }
    return url;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = this.url(path, options.query);
    const policy = { ...this.retry, ...options.retry };
    const idempotent = options.idempotent ?? IDEMPOTENT_METHODS.has(method);
    const deadlineAt = Math.min(this.clock.now() + (options.deadlineMs ?? this.deadlineMs), this.deadline.at);
    const label = `${method} ${redactUrl(url)}`;

    for (let attempt = 1; ; attempt++) {
      const { timeoutMs, stepBound } = this.attemptTimeout(options.timeoutMs, deadlineAt);
      const result = await this.attempt(method, url, options, idempotent, attempt, timeoutMs, stepBound);
      if (result.response) return result.response;
      const error = result.error!;
      if (!result.retryable || attempt >= policy.maxAttempts) throw error;

      const delay = result.retryAfterMs ?? backoffDelay(attempt, policy, this.random);
      if (this.clock.now() + delay >= deadlineAt) {
        const which =
          deadlineAt === this.deadline.at
            ? this.deadline.what
            : `the ${Math.round((options.deadlineMs ?? this.deadlineMs) / 1000)}s deadline`;
        throw new HttpError(
          { ...error, code: 'DEADLINE' },
          `gave up: the next retry (in ${Math.ceil(delay / 1000)}s) would pass ${which}; last failure: ${error.reason}`,
        );
      }
      this.logger.info(
        `${label}: attempt ${attempt} of ${policy.maxAttempts} failed (${describe(error)}); retrying in ${delay} ms`,
      );
      await this.clock.sleep(delay, options.signal);
    }
  }

  /**
   * The time one attempt gets: its own timeout, cut to what is left before `deadlineAt`;
   * `stepBound` when the step's deadline is what cuts it.
   */
  private attemptTimeout(requested: number | undefined, deadlineAt: number): { timeoutMs: number; stepBound: boolean } {
    const now = this.clock.now();
    const own = Math.min(requested ?? this.timeoutMs, deadlineAt - now);
    const step = this.deadline.remaining(now);
    return { timeoutMs: Math.max(1, Math.min(own, step)), stepBound: step <= own };
  }

  private async attempt(
    method: string,
    url: URL,
    options: RequestOptions,
    idempotent: boolean,
    attempt: number,
    timeoutMs: number,
    stepBound: boolean,
  ): Promise<Attempt> {
    const details = { method, url: redactUrl(url), attempts: attempt };
    if (stepBound && this.deadline.passed(this.clock.now())) {
      return { error: this.deadlineError(details), retryable: false };
    }
    const headers: Record<string, string> = { ...this.headers, ...options.headers };
    let body: string | Uint8Array | undefined = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url.toString(), { method, headers, body, signal, redirect: 'manual' });
      text = await response.text();
    } catch (cause) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timeout.aborted && stepBound) {
        return { error: this.deadlineError({ ...details, outcomeUnknown: !idempotent }), retryable: false };
      }
      const code = timeout.aborted ? 'TIMEOUT' : networkCode(cause);
      const notSent = code !== undefined && NOT_SENT_CODES.has(code);
      const reason =
        code === 'TIMEOUT' ? `timed out after ${timeoutMs} ms` : `failed: ${this.redact(causeMessage(cause))}`;
      const error = new HttpError({ ...details, code, outcomeUnknown: !idempotent && !notSent }, reason);
      return { error, retryable: idempotent || notSent };
    }

    const result: HttpResponse = {
      status: response.status,
      headers: response.headers,
      url: details.url,
      body: text,
      redactedBody: () => this.redact(text),
      json: <T>() => this.parseJson<T>(text, details),
    };
    if ((response.status >= 200 && response.status < 300) || options.accept?.includes(response.status)) {
      return { response: result, retryable: false };
    }
    const error = new HttpError(
      {
        ...details,
        status: response.status,
        statusText: response.statusText,
        body: clipBody(this.redact(text)),
      },
      `failed with ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    );
    const retryable = isRetryableStatus(response.status) && (idempotent || response.status === 429);
    return { error, retryable, retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.clock.now()) };
  }

  /**
   * One attempt without fetch's per-request cost (web streams, Response objects, their garbage):
   * for measured hot loops such as latency sampling, where that cost would show in the figures.
   * Same base URL, default headers, auth, Host header, proxy and TLS as every other request; no
   * retry, no decompression; every status is returned, never thrown; a network failure or the
   * timeout throws an HttpError with its code.
   */
  async sendOnce(
    method: string,
    path: string,
    options: SendOnceOptions = {},
  ): Promise<{ status: number; body: string }> {
    const url = this.url(path);
    const { timeoutMs, stepBound } = this.attemptTimeout(options.timeoutMs, Number.POSITIVE_INFINITY);
    if (stepBound && this.deadline.passed(this.clock.now())) {
      throw this.deadlineError({ method, url: redactUrl(url), attempts: 1 });
    }
    if (this.options.fetch) {
      const response = await this.request(method, path, {
        body: options.body,
        headers: options.headers,
        timeoutMs,
        deadlineMs: timeoutMs,
        retry: { maxAttempts: 1 },
        idempotent: true,
        accept: ALL_STATUSES,
      });
      return { status: response.status, body: response.body };
    }
    this.dispatcher ??= this.createNetworkDispatcher(url.toString());
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await this.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: method as Dispatcher.HttpMethod,
        headers: { ...this.headers, ...options.headers },
        body: options.body,
        signal: controller.signal,
      });
      return { status: response.statusCode, body: await response.body.text() };
    } catch (cause) {
      const details = { method, url: redactUrl(url), attempts: 1 };
      if (controller.signal.aborted && stepBound) throw this.deadlineError(details);
      const code = controller.signal.aborted ? 'TIMEOUT' : networkCode(cause);
      const reason =
        code === 'TIMEOUT' ? `timed out after ${timeoutMs} ms` : `failed: ${this.redact(causeMessage(cause))}`;
      throw new HttpError({ ...details, code }, reason);
    } finally {
      clearTimeout(timer);
    }
  }

  private deadlineError(details: {
    method: string;
    url: string;
    attempts: number;
    outcomeUnknown?: boolean;
  }): HttpError {
    return new HttpError({ ...details, code: 'DEADLINE' }, `was stopped: ${this.deadline.what} has passed`);
  }

  private parseJson<T>(text: string, details: { method: string; url: string; attempts: number }): T {
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new HttpError({ ...details, body: clipBody(this.redact(text)) }, 'returned a body that is not JSON');
    }
  }

  /** Closes pooled connections; the client stays usable and reconnects on the next request. */
  async close(): Promise<void> {
    const dispatcher = this.dispatcher;
    this.dispatcher = undefined;
    await dispatcher?.close();
  }

  private createNetworkDispatcher(url: string): Dispatcher {
    return createDispatcher(this.options.tls ?? {}, this.logger, this.baseUrl?.host ?? new URL(url).host, {
      hostHeader: this.options.hostHeader,
    });
  }

  private networkFetch(url: string, init: Record<string, unknown>): Promise<Response> {
    this.dispatcher ??= this.createNetworkDispatcher(url);
    return undiciFetch(url, { ...init, dispatcher: this.dispatcher } as never) as unknown as Promise<Response>;
  }
}

/** `base` + `path`, keeping any path prefix of the base (a leading slash in `path` does not drop it). */
export function joinUrl(base: URL, path: string): URL {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return new URL(path);
  const url = new URL(base.toString());
  const [pathname, search] = path.split('?', 2) as [string, string | undefined];
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${pathname.replace(/^\/+/, '')}`;
  if (search !== undefined) url.search = search;
  return url;
}

function networkCode(cause: unknown): string | undefined {
  let current: unknown = cause;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeMessage(cause: unknown): string {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof Error) {
      if (!parts.includes(current.message)) parts.push(current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(': ');
}

function describe(error: HttpError): string {
  if (error.status) return `${error.status}${error.statusText ? ` ${error.statusText}` : ''}`;
  return error.code ?? 'network error';
}
