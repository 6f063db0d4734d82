import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';

export interface Upstream {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Requests received so far. */
  requests: number;
  stop(): Promise<void>;
}

/**
 * An HTTP server on loopback that answers every request with `answer(headers)`: for upstreams
 * that misbehave (echo credentials back, answer something that is not the API).
 */
export async function startUpstream(
  answer: (headers: IncomingHttpHeaders, path: string) => { status: number; body: string; type?: string },
): Promise<Upstream> {
  let requests = 0;
  const server: Server = createHttpServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      const { status, body, type } = answer(req.headers, req.url ?? '/');
      res.writeHead(status, { 'content-type': type ?? 'text/plain' }).end(body);
    });
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    get requests() {
      return requests;
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP server on loopback that accepts every connection and never answers a byte: the upstream
 * that hangs. `connections` counts accepted connections.
 */
export async function startSilentServer(): Promise<{ url: string; connections: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    get connections() {
      return connections;
    },
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Listens on an ephemeral loopback port; the server's http:// URL. */
async function listenOnLoopback(server: Server | TcpServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
