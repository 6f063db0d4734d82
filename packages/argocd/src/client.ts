import {
  HttpClient,
  createDispatcher,
  redactUrl,
  type Deadline,
  type FetchLike,
  type RetryPolicy,
  type TlsOptions,
} from '@mlops-actions/action-kit/http';
import { silentLogger, type Logger } from '@mlops-actions/action-kit/logger';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { ArgoCdError, parseGatewayError, toArgoCdError } from './errors.js';
import { StreamDecoder } from './event-stream.js';
import type { AppRef, Application, ResourceTree, WatchEvent } from './types.js';

export interface ArgoCdClientOptions {
  server: string | URL;
  token: string;
  /** The step's deadline: no request, the watch stream included, runs past it. */
  deadline: Deadline;
  tls?: TlsOptions;
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  /** Per request attempt. Default 30 s. */
  timeoutMs?: number;
  /** Replaces the network (tests). */
  fetch?: FetchLike;
}

export interface SyncRequest {
  revision?: string;
  prune?: boolean;
}

export interface LiveResourceRef {
  group?: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
}

export type StreamItem = { kind: 'event'; event: WatchEvent } | { kind: 'keepalive' };

export interface WatchOptions {
  resourceVersion?: string;
  /** SSE gets keep-alive comments through idle proxies; NDJSON is the default framing. */
  framing?: 'sse' | 'ndjson';
  signal?: AbortSignal;
  /** No byte at all for this long ends the stream with an error. Default 60 s. */
  idleTimeoutMs?: number;
}

/**
 * The parts of the Argo CD REST API (grpc-gateway in front of the API server) the waiter uses.
 * Requests go through action-kit's HttpClient (timeouts, retries, redaction); the watch stream
 * shares its transport and reads the body incrementally.
 */
export class ArgoCdClient {
  readonly server: URL;
  private readonly http: HttpClient;
  private readonly token: string;
  private readonly logger: Logger;
  private readonly transport: FetchLike;
  private dispatcher?: Dispatcher;

  constructor(private readonly options: ArgoCdClientOptions) {
    this.server = new URL(String(options.server));
    this.token = options.token;
    this.logger = options.logger ?? silentLogger;
    this.transport = options.fetch ?? ((url, init) => this.networkFetch(url, init));
    this.http = new HttpClient({
      deadline: options.deadline,
      baseUrl: this.server,
      auth: { type: 'bearer', token: options.token },
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: options.retry,
      logger: this.logger,
      fetch: this.transport,
      userAgent: 'mlops-actions/wait-argocd-sync',
    });
  }

  /**
   * The first request of a run. A certificate that does not verify will not verify on the next
   * attempt either: that failure is thrown at once, anything else gets the usual retries.
   */
  async version(): Promise<{ Version?: string }> {
    const what = 'read the server version';
    try {
      return await this.json(what, 'GET', '/api/version', { retry: { maxAttempts: 1 } });
    } catch (error) {
      if (isTlsVerificationFailure(error)) throw error;
      return this.json(what, 'GET', '/api/version');
    }
  }

  /** Who the token belongs to. Argo CD serves this without authentication: a bad token reads as `loggedIn: false`. */
  async userInfo(): Promise<{ loggedIn?: boolean; username?: string; iss?: string }> {
    return this.json('read the session user', 'GET', '/api/v1/session/userinfo');
  }

  async getApplication(
    app: AppRef,
    options: { refresh?: 'normal' | 'hard'; timeoutMs?: number; attempts?: number; signal?: AbortSignal } = {},
  ): Promise<Application> {
    return this.json(
      options.refresh ? `request a ${options.refresh} refresh of ${app.name}` : `read application ${app.name}`,
      'GET',
      `/api/v1/applications/${encodeURIComponent(app.name)}`,
      {
        query: { ...appQuery(app), refresh: options.refresh },
        timeoutMs: options.timeoutMs,
        deadlineMs: options.timeoutMs,
        retry: options.attempts ? { maxAttempts: options.attempts } : undefined,
        signal: options.signal,
      },
    );
  }

  async sync(app: AppRef, request: SyncRequest): Promise<Application> {
    return this.json(
      `start a sync of ${app.name}`,
      'POST',
      `/api/v1/applications/${encodeURIComponent(app.name)}/sync`,
      {
        json: { name: app.name, appNamespace: app.appNamespace, project: app.project, ...request },
        idempotent: false,
      },
    );
  }

  async terminateOperation(app: AppRef): Promise<void> {
    await this.json(
      `terminate the operation of ${app.name}`,
      'DELETE',
      `/api/v1/applications/${encodeURIComponent(app.name)}/operation`,
      { query: appQuery(app) },
    );
  }

  async resourceTree(app: AppRef): Promise<ResourceTree> {
    return this.json(
      `read the resource tree of ${app.name}`,
      'GET',
      `/api/v1/applications/${encodeURIComponent(app.name)}/resource-tree`,
      { query: appQuery(app) },
    );
  }

  /** The live manifest of one managed resource, parsed. */
  async liveResource(app: AppRef, resource: LiveResourceRef): Promise<Record<string, unknown>> {
    const answer = await this.json<{ manifest?: string }>(
      `read the live ${resource.kind} ${resource.name}`,
      'GET',
      `/api/v1/applications/${encodeURIComponent(app.name)}/resource`,
      {
        query: {
          ...appQuery(app),
          namespace: resource.namespace,
          resourceName: resource.name,
          version: resource.version,
          group: resource.group,
          kind: resource.kind,
        },
      },
    );
    return JSON.parse(answer.manifest ?? '{}') as Record<string, unknown>;
  }

  /**
   * The watch stream of one application. Ends when the server closes it; throws ArgoCdError on an
   * error status, an in-stream `{"error":…}` message or an idle connection.
   */
  async *watch(app: AppRef, options: WatchOptions = {}): AsyncGenerator<StreamItem> {
    const url = this.http.url('/api/v1/stream/applications', {
      name: app.name,
      appNamespace: app.appNamespace,
      projects: app.project,
      resourceVersion: options.resourceVersion,
    });
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = this.options.deadline.signal();
    deadline.addEventListener('abort', onAbort, { once: true });
    const idleMs = options.idleTimeoutMs ?? 60_000;
    let idleTimer: NodeJS.Timeout | undefined;
    let idle = false;
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => ((idle = true), controller.abort()), idleMs);
    };
    const what = `watch application ${app.name}`;
    try {
      armIdle();
      let response: Response;
      try {
        response = await this.transport(url.toString(), {
          method: 'GET',
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: options.framing === 'sse' ? 'text/event-stream' : 'application/json',
            'user-agent': 'mlops-actions/wait-argocd-sync',
          },
          signal: controller.signal,
          redirect: 'manual',
        });
      } catch (error) {
        throw this.streamFailure(what, idle ? `no data for ${idleMs} ms` : causeText(error));
      }
      if (response.status !== 200 || !response.body) {
        const body = this.http.redact(await response.text().catch(() => ''));
        const { grpcCode, message } = parseGatewayError(body);
        throw new ArgoCdError(
          `${what} failed (${response.status}${message ? `: ${message}` : ''})`,
          response.status,
          grpcCode,
          message,
        );
      }
      const decoder = StreamDecoder.forContentType(response.headers.get('content-type'));
      const reader = response.body.getReader();
      for (;;) {
        let read: Awaited<ReturnType<typeof reader.read>>;
        try {
          read = await reader.read();
        } catch (error) {
          throw this.streamFailure(what, idle ? `no data for ${idleMs} ms` : causeText(error));
        }
        if (read.done) return;
        armIdle();
        for (const chunk of decoder.push(read.value)) {
          if (chunk.kind === 'keepalive') {
            yield chunk;
            continue;
          }
          const message = JSON.parse(chunk.data) as { result?: WatchEvent; error?: unknown };
          if (message.error) {
            const { grpcCode, message: text } = parseGatewayError(this.http.redact(chunk.data));
            throw new ArgoCdError(`${what}: the server ended the stream (${text})`, undefined, grpcCode, text);
          }
          if (message.result?.application) yield { kind: 'event', event: message.result };
        }
      }
    } finally {
      clearTimeout(idleTimer);
      options.signal?.removeEventListener('abort', onAbort);
      deadline.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  async close(): Promise<void> {
    const dispatcher = this.dispatcher;
    this.dispatcher = undefined;
    await dispatcher?.destroy();
  }

  private streamFailure(what: string, reason: string): ArgoCdError {
    return new ArgoCdError(`${what}: the stream broke (${this.http.redact(reason)})`, undefined, undefined, undefined);
  }

  private async json<T>(
    what: string,
    method: string,
    path: string,
    options: Parameters<HttpClient['request']>[2] = {},
  ): Promise<T> {
    try {
      const response = await this.http.request(method, path, options);
      return response.json<T>();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw toArgoCdError(what, error);
    }
  }

  private networkFetch(url: string, init: Record<string, unknown>): Promise<Response> {
    this.dispatcher ??= createDispatcher(this.options.tls ?? {}, this.logger, redactUrl(this.server));
    return undiciFetch(url, { ...init, dispatcher: this.dispatcher } as never) as unknown as Promise<Response>;
  }
}

const TLS_FAILURE = /CERT|SELF_SIGNED|SIGNATURE|ERR_TLS/;

function isTlsVerificationFailure(error: unknown): boolean {
  const code = ((error as { cause?: { code?: string } }).cause?.code ?? '').toUpperCase();
  return TLS_FAILURE.test(code);
}

function appQuery(app: AppRef): Record<string, string | undefined> {
  return { appNamespace: app.appNamespace, project: app.project };
}

function causeText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    parts.push(current.message);
    current = current.cause;
  }
  return parts.join(': ') || String(error);
}
