import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
}

export interface RecordingProxy {
  /** http://127.0.0.1:<port>: use it in place of the target's URL. */
  url: string;
  /** Every request forwarded, in order. */
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

export interface RecordingProxyOptions {
  /**
   * Forward the request, let the target answer, then cut the client's connection instead of
   * relaying the answer: the client cannot know whether its write happened.
   */
  loseResponse?: (request: RecordedRequest) => boolean;
}

/**
 * A reverse proxy on loopback in front of a real peer: it records every request (to count REST
 * calls) and can lose chosen responses after the peer has acted on them (to test what a client
 * does when a non-idempotent write times out or its connection resets).
 */
export async function startRecordingProxy(
  target: string,
  options: RecordingProxyOptions = {},
): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const recorded = { method: incoming.method ?? 'GET', path: incoming.url ?? '/' };
    requests.push(recorded);
    const lose = options.loseResponse?.(recorded) ?? false;
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: recorded.method,
        path: recorded.path,
        headers: { ...incoming.headers, host: upstream.host },
      },
      (answer) => {
        if (lose) {
          answer.resume();
          answer.on('end', () => incoming.socket.destroy());
          return;
        }
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => incoming.socket.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
