import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Gateway {
  /** The stable address clients use (the InferenceService's status.url). */
  url: string;
  /** Where traffic goes from now on (undefined: nothing serves, 503 like Envoy). */
  route(upstream: string | undefined): void;
  /**
   * Splits traffic between upstreams by percent (summing to 100), as a Knative route does for a
   * canary. Exact per 100 requests: request i goes by (i × 61) mod 100, which visits every
   * position once per 100.
   */
  split(routes: { upstream: string; percent: number }[]): void;
  stop(): Promise<void>;
}

/**
 * A loopback ingress in front of the model server: its address survives a rollout, and traffic
 * moves to the new predictor only once it is ready (as KServe shifts a Knative route).
 */
export async function startGateway(): Promise<Gateway> {
  let routes: { target: URL; percent: number }[] = [];
  let served = 0;
  const pick = (): URL | undefined => {
    const position = (served++ * 61) % 100;
    let below = 0;
    return routes.find((r) => position < (below += r.percent))?.target;
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const target = pick();
    if (!target) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no healthy upstream');
      return;
    }
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('upstream connect error or disconnect/reset before headers');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    route: (upstream) => (routes = upstream ? [{ target: new URL(upstream), percent: 100 }] : []),
    split: (next) => {
      if (next.reduce((sum, r) => sum + r.percent, 0) !== 100) throw new Error('traffic percents must sum to 100');
      routes = next.map((r) => ({ target: new URL(r.upstream), percent: r.percent }));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
