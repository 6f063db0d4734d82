import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small auth gateway in front of a model server, as a cluster puts one there:
 * - `redirect`: Kubeflow's Dex / oidc-authservice and oauth2-proxy answer an unauthenticated
 *   request with 302 to the login page (kserve/kserve#2169, #668), never with 401;
 * - `unauthorized`: Istio RequestAuthentication / an API gateway answers 401 with
 *   `WWW-Authenticate: Bearer` and a short text body.
 * A request carrying `Authorization: Bearer <token>` or the `authservice_session=<token>` cookie
 * is proxied to the upstream as it is. With `virtualHost`, requests for another Host get Istio's
 * 404 with an empty body (kserve/kserve#740).
 */
export interface AuthGatewayOptions {
  upstream: string;
  mode: 'redirect' | 'unauthorized';
  token: string;
  virtualHost?: string;
  /** Answer every n-th inference POST with Envoy's 503, as an overloaded upstream does. */
  failEveryNthPost?: number;
}

export interface AuthGateway {
  url: string;
  /** Requests seen, with the decision taken. */
  seen: { method: string; path: string; host: string; decision: 'proxied' | 'refused' | 'no route' | 'failed' }[];
  stop(): Promise<void>;
}

export async function startAuthGateway(options: AuthGatewayOptions): Promise<AuthGateway> {
  const upstream = new URL(options.upstream);
  const seen: AuthGateway['seen'] = [];
  const agent = new Agent({ keepAlive: false });
  let posts = 0;
  const server = createServer((req, res) => {
    const host = req.headers.host ?? '';
    const entry = { method: req.method ?? 'GET', path: req.url ?? '/', host };
    if (options.virtualHost && host.split(':')[0] !== options.virtualHost) {
      seen.push({ ...entry, decision: 'no route' });
      res.writeHead(404, { server: 'istio-envoy', 'content-length': '0' }).end();
      return;
    }
    if (!authenticated(req, options.token)) {
      seen.push({ ...entry, decision: 'refused' });
      refuse(req, res, options.mode);
      return;
    }
    if (req.method === 'POST' && options.failEveryNthPost && ++posts % options.failEveryNthPost === 0) {
      seen.push({ ...entry, decision: 'failed' });
      req.resume();
      res
        .writeHead(503, { server: 'envoy', 'content-type': 'text/plain' })
        .end('upstream connect error or disconnect/reset before headers');
      return;
    }
    seen.push({ ...entry, decision: 'proxied' });
    proxy(req, res, upstream, agent);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}

function authenticated(req: IncomingMessage, token: string): boolean {
  if (req.headers.authorization === `Bearer ${token}`) return true;
  const cookies = (req.headers.cookie ?? '').split(';').map((cookie) => cookie.trim());
  return cookies.includes(`authservice_session=${token}`);
}

function refuse(req: IncomingMessage, res: ServerResponse, mode: AuthGatewayOptions['mode']): void {
  req.resume();
  if (mode === 'redirect') {
    const state = Buffer.from(req.url ?? '/').toString('base64url');
    res
      .writeHead(302, {
        location: `/dex/auth?client_id=kubeflow-oidc-authservice&redirect_uri=%2Flogin%2Foidc&response_type=code&scope=openid&state=${state}`,
        'content-type': 'text/html; charset=utf-8',
      })
      .end('<a href="/dex/auth">Found</a>.\n');
    return;
  }
  res
    .writeHead(401, {
      'www-authenticate': 'Bearer realm="models", error="invalid_token"',
      'content-type': 'text/plain',
    })
    .end('Jwt is missing');
}

function proxy(req: IncomingMessage, res: ServerResponse, upstream: URL, agent: Agent): void {
  const headers = { ...req.headers, host: upstream.host };
  delete headers.authorization;
  const forward = httpRequest(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', (error) => {
    if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
    res.end(`upstream connect error or disconnect/reset before headers: ${error.message}`);
  });
  req.pipe(forward);
}
