import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { ArgoCdController, DEFAULT_NAMESPACE, type AppRecord } from './controller.js';
import type { ScriptedGit } from './git.js';

/**
 * The Argo CD API server of the simulator: grpc-gateway v1.16 error bodies and status codes,
 * bearer/cookie tokens, RBAC with 403-vs-404 information hiding, the watch stream in NDJSON and
 * SSE framing, refresh calls that block until the controller has processed them, and faults.
 */
export interface TokenGrant {
  username: string;
  /** `project/action` pairs, `*` wildcards allowed: e.g. `*\/get`, `models/sync`. */
  policies: string[];
}

export interface ServerOptions {
  tokens: Record<string, TokenGrant>;
  /** Namespaces besides argocd where apps may live (application.namespaces). */
  appNamespaces?: string[];
  /** Real ms between SSE keep-alive comments. Argo CD: 15 s. */
  keepAliveMs?: number;
  /** Simulated ms after which a blocked refresh GET gives up. Argo CD: about 60 s. */
  refreshDeadlineMs?: number;
  version?: string;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  github?: { git: ScriptedGit; token: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status?: number;
}

export interface Faults {
  /** The next N matching requests answer with this status (default 503) and a gateway body. */
  failNext(count: number, options?: { status?: number; path?: RegExp }): void;
  /** Refresh GETs never answer (the controller still processes the refresh). */
  hangRefresh: boolean;
  /** Closes every open watch stream now. */
  dropStreams(): void;
}

const STATUS_OF_CODE: Record<number, number> = { 3: 400, 4: 504, 5: 404, 7: 403, 9: 400, 14: 503, 16: 401 };
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
const CODE_OF_STATUS: Record<number, number> = { 500: 2, 502: 14, 503: 14, 504: 4 };

class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class ArgoCdApiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly streams = new Set<ServerResponse>();
  private injected: { count: number; status: number; path?: RegExp }[] = [];
  private readonly requestListeners = new Set<(request: RecordedRequest) => void>();
  readonly faults: Faults;

  constructor(
    private readonly controller: ArgoCdController,
    private readonly options: ServerOptions,
  ) {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
    this.server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    const streams = this.streams;
    this.faults = {
      failNext: (count, opts = {}) => this.injected.push({ count, status: opts.status ?? 503, path: opts.path }),
      hangRefresh: false,
      dropStreams() {
        for (const stream of streams) stream.socket?.destroy();
        streams.clear();
      },
    };
  }

  listen(): Promise<string> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        const { port } = this.server.address() as { port: number };
        resolve(`${this.options.tls ? 'https' : 'http'}://127.0.0.1:${port}`);
      });
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Calls `listener` with each request as it arrives (before it is answered). */
  onRequest(listener: (request: RecordedRequest) => void): () => void {
    this.requestListeners.add(listener);
    return () => this.requestListeners.delete(listener);
  }

  count(method: string, path: RegExp): number {
    return this.requests.filter((r) => r.method === method && path.test(r.path)).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const query = Object.fromEntries(url.searchParams);
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query };
    this.requests.push(recorded);
    for (const listener of this.requestListeners) listener(recorded);
    res.on('finish', () => (recorded.status = res.statusCode));
    try {
      const fault = this.injected.find((f) => f.count > 0 && (!f.path || f.path.test(url.pathname)));
      if (fault && !url.pathname.startsWith('/api/v1/stream/')) {
        fault.count--;
        this.injected = this.injected.filter((f) => f.count > 0);
        const code = CODE_OF_STATUS[fault.status] ?? 2;
        return sendJson(res, fault.status, gatewayError(code, 'the API server is unavailable (injected)'));
      }
      if (url.pathname.startsWith('/api/v3/')) return this.github(req, res, url);
      await this.route(req, res, url);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof ApiError)
        return sendJson(res, STATUS_OF_CODE[error.code] ?? 500, gatewayError(error.code, error.message));
      sendJson(res, 500, gatewayError(2, error instanceof Error ? error.message : String(error)));
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/api/version')
      return sendJson(res, 200, { Version: this.options.version ?? 'v3.5.1+sim' });
    if (method === 'GET' && path === '/api/v1/session/userinfo') {
      // The session service skips authentication: an unknown token is "not logged in", not a 401.
      const grant = this.grant(req);
      return sendJson(
        res,
        200,
        grant ? { loggedIn: true, username: grant.username, iss: 'argocd' } : { loggedIn: false },
      );
    }
    if (method === 'GET' && path === '/api/v1/stream/applications') return this.watch(req, res, url);

    const grant = this.authenticate(req);
    if (method === 'GET' && path === '/api/v1/applications') return this.list(res, url, grant);
    const match = /^\/api\/v1\/applications\/([^/]+)(\/[a-z-]+)?$/.exec(path);
    if (!match) throw new ApiError(5, `Not Found: ${path}`);
    const name = decodeURIComponent(match[1]!);
    const sub = match[2] ?? '';
    const body = method === 'POST' ? await readJson(req) : {};
    const appNamespace = url.searchParams.get('appNamespace') || (body.appNamespace as string) || '';
    const project = url.searchParams.get('project') || (body.project as string) || '';
    const record = this.authorize(grant, name, appNamespace, project, 'get');

    if (method === 'GET' && sub === '') return this.get(res, record, url.searchParams.get('refresh'));
    if (method === 'GET' && sub === '/resource-tree') return sendJson(res, 200, this.tree(record));
    if (method === 'GET' && sub === '/resource') return this.resource(res, record, url.searchParams);
    if (method === 'POST' && sub === '/sync') {
      this.authorize(grant, name, appNamespace, project, 'sync');
      return this.sync(res, record, body, grant);
    }
    if (method === 'DELETE' && sub === '/operation') {
      this.authorize(grant, name, appNamespace, project, 'sync');
      const state = record.operationState;
      if (!record.operation && (!state || state.finishedAt)) {
        throw new ApiError(3, 'Unable to terminate operation. No operation is in progress');
      }
      this.controller.terminate(record);
      return sendJson(res, 200, {});
    }
    throw new ApiError(5, `Not Found: ${path}`);
  }

  /** Header `Authorization: Bearer <jwt>` (only if it looks like a JWT), else cookie argocd.token. */
  private token(req: IncomingMessage): string | undefined {
    const header = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (header && header.split('.').length === 3) return header;
    const cookie = /(?:^|;\s*)argocd\.token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    return cookie;
  }

  private grant(req: IncomingMessage): TokenGrant | undefined {
    const token = this.token(req);
    return token ? this.options.tokens[token] : undefined;
  }

  private authenticate(req: IncomingMessage): TokenGrant {
    const token = this.token(req);
    if (!token) throw new ApiError(16, 'no session information');
    const grant = this.options.tokens[token];
    if (!grant) throw new ApiError(16, 'invalid session: token signature is invalid');
    return grant;
  }

  private allowed(grant: TokenGrant, project: string, action: string): boolean {
    return grant.policies.some((policy) => {
      const [p, a] = policy.split('/');
      return (p === '*' || p === project) && (a === '*' || a === action);
    });
  }

  /** getAppEnforceRBAC: without `project`, missing and forbidden are both "permission denied". */
  private authorize(grant: TokenGrant, name: string, appNamespace: string, project: string, action: string): AppRecord {
    const namespace = appNamespace || DEFAULT_NAMESPACE;
    const enabled = namespace === DEFAULT_NAMESPACE || (this.options.appNamespaces ?? []).includes(namespace);
    const record = enabled ? this.controller.get(name, namespace) : undefined;
    const denied = () =>
      new ApiError(7, `permission denied: applications, ${action}, ${project || record?.spec.project || '*'}/${name}`);
    if (!project) {
      if (!record || !this.allowed(grant, record.spec.project!, action)) throw denied();
      return record;
    }
    if (!record || record.spec.project !== project)
      throw new ApiError(5, `applications.argoproj.io "${name}" not found`);
    if (!this.allowed(grant, project, action)) throw denied();
    return record;
  }

  private async get(res: ServerResponse, record: AppRecord, refresh: string | null): Promise<void> {
    if (!refresh) return sendJson(res, 200, render(record, this.controller));
    this.controller.requestRefresh(record, refresh === 'hard' ? 'hard' : 'normal');
    const after = record.resourceVersion;
    const startedAt = this.controller.clock.now();
    // Blocks until an event newer than the annotation patch shows the annotation gone.
    await new Promise<void>((resolve) => {
      const finish = () => {
        stop();
        clearInterval(timer);
        resolve();
      };
      const stop = this.controller.onChange((changed) => {
        if (this.faults.hangRefresh || changed !== record || changed.resourceVersion <= after) return;
        if (!changed.annotations['argocd.argoproj.io/refresh']) {
          finish();
          sendJson(res, 200, render(record, this.controller));
        }
      });
      const timer = setInterval(() => {
        const waited = this.controller.clock.now() - startedAt;
        if (!this.faults.hangRefresh && waited > (this.options.refreshDeadlineMs ?? 60_000)) {
          finish();
          sendJson(res, 504, gatewayError(4, 'application refresh deadline exceeded'));
        }
      }, 20);
      res.once('close', () => finish());
    });
  }

  private list(res: ServerResponse, url: URL, grant: TokenGrant): void {
    const name = url.searchParams.get('name');
    const projects = url.searchParams.getAll('projects');
    const items = [...this.controller.apps.values()]
      .filter((r) => !r.deleted && (!name || r.spec.name === name))
      .filter((r) => projects.length === 0 || projects.includes(r.spec.project!))
      .filter((r) => this.allowed(grant, r.spec.project!, 'get'))
      // 3.x: the list API no longer carries per-resource health.
      .map((r) => render(r, this.controller, { resourceHealth: false }));
    sendJson(res, 200, {
      metadata: { resourceVersion: String(Math.max(0, ...items.map((i) => Number(i.metadata.resourceVersion)))) },
      items,
    });
  }

  private watch(req: IncomingMessage, res: ServerResponse, url: URL): void {
    let grant: TokenGrant;
    try {
      grant = this.authenticate(req);
    } catch (error) {
      // An error before the first message sets the HTTP status; the body is one {"error":…}.
      const e = error as ApiError;
      const status = STATUS_OF_CODE[e.code]!;
      return sendJson(res, status, {
        error: { grpc_code: e.code, http_code: status, message: e.message, http_status: STATUS_TEXT[status] },
      });
    }
    const sse = /text\/event-stream/.test(req.headers.accept ?? '');
    const name = url.searchParams.get('name');
    const namespace = url.searchParams.get('appNamespace') || DEFAULT_NAMESPACE;
    const projects = url.searchParams.getAll('projects').concat(url.searchParams.getAll('project'));
    const since = Number(url.searchParams.get('resourceVersion') ?? '');
    res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json', 'cache-control': 'no-cache' });
    res.flushHeaders();
    this.streams.add(res);
    const last = new Map<string, string>();
    // Missing, forbidden or in a namespace that is not enabled: the app is simply never sent.
    const permitted = (record: AppRecord) =>
      (!name || record.spec.name === name) &&
      record.spec.namespace === namespace &&
      (namespace === DEFAULT_NAMESPACE || (this.options.appNamespaces ?? []).includes(namespace)) &&
      (projects.length === 0 || projects.includes(record.spec.project!)) &&
      this.allowed(grant, record.spec.project!, 'get');
    const send = (type: string, record: AppRecord) => {
      const payload = JSON.stringify({ result: { type, application: render(record, this.controller) } });
      // The forwarder drops a message identical to the previous one for the same app.
      if (last.get(record.key) === payload) return;
      last.set(record.key, payload);
      res.write(sse ? `data: ${payload}\n\n` : `${payload}\n`);
    };
    for (const record of this.controller.apps.values()) {
      if (record.deleted || !permitted(record)) continue;
      if (Number.isFinite(since) && since > 0 && record.resourceVersion < since) continue;
      send('ADDED', record);
    }
    const stop = this.controller.onChange((record) => {
      if (permitted(record)) send(record.deleted ? 'DELETED' : 'MODIFIED', record);
    });
    const keepAlive = sse ? setInterval(() => res.write(':\n\n'), this.options.keepAliveMs ?? 15_000) : undefined;
    res.once('close', () => {
      stop();
      clearInterval(keepAlive);
      this.streams.delete(res);
    });
  }

  private sync(res: ServerResponse, record: AppRecord, body: Record<string, unknown>, grant: TokenGrant): void {
    const revision = typeof body.revision === 'string' && body.revision ? body.revision : undefined;
    const target = record.spec.source?.targetRevision ?? 'HEAD';
    if (record.spec.automated && revision && revision !== target && !body.dryRun) {
      throw new ApiError(9, `Cannot sync to ${revision}: auto-sync currently set to ${target}`);
    }
    if (record.operation || (record.operationState && !record.operationState.finishedAt)) {
      throw new ApiError(9, 'another operation is already in progress');
    }
    this.controller.requestSync(record, revision, grant.username);
    sendJson(res, 200, render(record, this.controller));
  }

  private tree(record: AppRecord) {
    const now = this.controller.clock.now();
    return {
      nodes: this.controller.cluster.resources(record.key, now).map((r) => ({
        group: r.group,
        version: r.version,
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
        uid: `${r.kind}-${r.name}`,
        health: r.health,
      })),
      orphanedNodes: [],
      hosts: [],
    };
  }

  private resource(res: ServerResponse, record: AppRecord, params: URLSearchParams): void {
    const now = this.controller.clock.now();
    const found = this.controller.cluster
      .resources(record.key, now)
      .find(
        (r) =>
          r.kind === params.get('kind') &&
          r.name === params.get('resourceName') &&
          (!params.get('namespace') || r.namespace === params.get('namespace')),
      );
    if (!found)
      throw new ApiError(
        5,
        `${params.get('kind')} "${params.get('resourceName')}" not found as part of application ${record.spec.name}`,
      );
    sendJson(res, 200, { manifest: JSON.stringify(found.manifest) });
  }

  /** GitHub's GET /repos/{owner}/{repo}/compare/{base}...{head}, mounted GHES-style under /api/v3 (so GITHUB_API_URL must be honoured). */
  private github(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const github = this.options.github;
    if (!github) return sendJson(res, 404, { message: 'Not Found' });
    if (req.headers.authorization !== `Bearer ${github.token}`) {
      return sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    }
    const match = /^\/api\/v3\/repos\/[^/]+\/[^/]+\/compare\/([^/]+)$/.exec(url.pathname);
    const [base, head] = decodeURIComponent(match?.[1] ?? '').split('...');
    const relation = base && head ? github.git.compare(base, head) : undefined;
    if (!relation)
      return sendJson(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    sendJson(res, 200, {
      status: relation.status,
      ahead_by: relation.aheadBy,
      behind_by: relation.behindBy,
      total_commits: relation.aheadBy,
      commits: [],
      files: [],
    });
  }
}

/** The Application as the API serves it. */
export function render(record: AppRecord, controller: ArgoCdController, options: { resourceHealth?: boolean } = {}) {
  const now = controller.clock.now();
  const multi = Boolean(record.spec.sources);
  const resources = controller.cluster.resources(record.key, now).map((r) => ({
    group: r.group,
    version: r.version,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    status: record.syncStatus === 'Synced' ? 'Synced' : 'OutOfSync',
    ...(options.resourceHealth === false ? {} : { health: r.health }),
  }));
  return {
    metadata: {
      name: record.spec.name,
      namespace: record.spec.namespace,
      resourceVersion: String(record.resourceVersion),
      annotations: { ...record.annotations },
    },
    spec: {
      project: record.spec.project,
      ...(multi ? { sources: record.spec.sources } : { source: record.spec.source }),
      destination: { server: 'https://kubernetes.default.svc', namespace: 'models' },
      syncPolicy: record.spec.automated ? { automated: { prune: true, selfHeal: true } } : {},
    },
    ...(record.operation ? { operation: { ...record.operation } } : {}),
    status: {
      sync: {
        status: record.syncStatus,
        ...(multi ? { revisions: [...record.revisions] } : { revision: record.revisions[0] ?? '' }),
        comparedTo: multi ? { sources: record.spec.sources } : { source: record.spec.source },
      },
      health: { ...record.health },
      ...(record.operationState ? { operationState: structuredClone(record.operationState) } : {}),
      reconciledAt: record.reconciledAt,
      conditions: record.conditions.length ? record.conditions.map((c) => ({ ...c })) : undefined,
      resources,
      resourceHealthSource: 'appTree',
    },
  };
}

export function gatewayError(code: number, message: string) {
  return { error: message, code, message, details: [] };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ApiError(3, 'invalid character in request body');
  }
}
