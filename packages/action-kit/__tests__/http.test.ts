import { execFileSync } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Deadline,
  HttpClient,
  HttpError,
  backoffDelay,
  parseRetryAfter,
  redactText,
  redactUrl,
  type Clock,
} from '../src/http/index.js';
import { memoryLogger } from '../src/logger.js';
import { testDeadline } from '../../../test/helpers/deadline.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Scripted {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/** Answers the n-th request with the n-th handler (the last one repeats). */
async function scripted(...handlers: Handler[]): Promise<Scripted> {
  const requests: Scripted['requests'] = [];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const handler = handlers[Math.min(requests.length - 1, handlers.length - 1)]!;
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const status =
  (code: number, body = '', headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(code, headers);
    res.end(body);
  };
const json = (value: unknown): Handler => status(200, JSON.stringify(value), { 'content-type': 'application/json' });

/** Real time for timeouts; recorded, instant sleeps for backoff. */
function recordingClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  let offset = 0;
  return {
    slept,
    now: () => Date.now() + offset,
    sleep: async (ms) => {
      slept.push(ms);
      offset += ms;
    },
  };
}

describe('HttpClient retries', () => {
  it('retries 503 with capped exponential backoff and full jitter, then succeeds', async () => {
    const server = await scripted(status(503), status(503), status(503), status(503), status(503), json({ ok: true }));
    const clock = recordingClock();
    const client = new HttpClient({
      deadline: testDeadline(),
      baseUrl: server.url,
      clock,
      random: () => 0.5,
      retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 500 },
    });
    const response = await client.get('/api/v1/applications/app');
    expect(response.json()).toEqual({ ok: true });
    expect(server.requests).toHaveLength(6);
    // half of min(500, 100·2^(n-1)) for n = 1..5
    expect(clock.slept).toEqual([50, 100, 200, 250, 250]);
  });

  it('gives up after maxAttempts with the status and body in the error', async () => {
    const server = await scripted(status(502, 'bad gateway from proxy'));
    const client = new HttpClient({
      deadline: testDeadline(),
      baseUrl: server.url,
      clock: recordingClock(),
      retry: { maxAttempts: 3 },
    });
    const error = (await client.get('/x').catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(502);
    expect(error.attempts).toBe(3);
    expect(error.message).toBe(
      `GET ${server.url}/x failed with 502 Bad Gateway (after 3 attempts): bad gateway from proxy`,
    );
    expect(server.requests).toHaveLength(3);
  });

  it.each([400, 401, 403, 404, 409, 422])('never retries %d', async (code) => {
    const server = await scripted(status(code, '{"error":"no"}'));
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: server.url, clock: recordingClock() });
    await expect(client.get('/x')).rejects.toMatchObject({ status: code, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it.each([408, 429, 500, 504])('retries %d', async (code) => {
    const server = await scripted(status(code), json({}));
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: server.url, clock: recordingClock() });
    await client.get('/x');
    expect(server.requests).toHaveLength(2);
  });

  it('honours Retry-After in seconds', async () => {
    const server = await scripted(status(429, '', { 'retry-after': '3' }), json({}));
    const clock = recordingClock();
    await new HttpClient({ deadline: testDeadline(), baseUrl: server.url, clock }).get('/x');
    expect(clock.slept).toEqual([3000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const clock = recordingClock();
    const at = new Date(Math.ceil((clock.now() + 7000) / 1000) * 1000).toUTCString();
    const server = await scripted(status(503, '', { 'retry-after': at }), json({}));
    await new HttpClient({ deadline: testDeadline(), baseUrl: server.url, clock }).get('/x');
    expect(clock.slept[0]).toBeGreaterThan(5000);
    expect(clock.slept[0]).toBeLessThanOrEqual(8000);
  });

  it('gives up at once when Retry-After points past the deadline', async () => {
    const server = await scripted(status(503, 'busy', { 'retry-after': '600' }));
    const clock = recordingClock();
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: server.url, clock, deadlineMs: 60_000 });
    await expect(client.get('/x')).rejects.toThrow(
      /next retry \(in 600s\) would pass the 60s deadline; last failure: failed with 503/,
    );
    expect(clock.slept).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('does not blindly retry a non-idempotent write', async () => {
    const server = await scripted(status(503), json({}));
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: server.url, clock: recordingClock() });
    await expect(client.post('/sync', { json: { revision: 'abc' } })).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toBe('{"revision":"abc"}');
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('retries a write that was answered 429, and one explicitly marked idempotent', async () => {
    const server = await scripted(status(429), json({}));
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: server.url, clock: recordingClock() });
    await client.post('/a');
    expect(server.requests).toHaveLength(2);
    const second = await scripted(status(503), json({}));
    await new HttpClient({ deadline: testDeadline(), baseUrl: second.url, clock: recordingClock() }).post('/b', {
      idempotent: true,
    });
    expect(second.requests).toHaveLength(2);
  });

  it('retries a refused connection, even for a write (nothing was sent)', async () => {
    const port = await closedPort();
    const clock = recordingClock();
    const client = new HttpClient({
      deadline: testDeadline(),
      baseUrl: `http://127.0.0.1:${port}`,
      clock,
      retry: { maxAttempts: 3 },
    });
    const error = (await client.post('/x').catch((e: unknown) => e)) as HttpError;
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.attempts).toBe(3);
    expect(error.outcomeUnknown).toBe(false);
    expect(clock.slept).toHaveLength(2);
  });

  it('logs each retry', async () => {
    const server = await scripted(status(503), json({}));
    const logger = memoryLogger();
    await new HttpClient({
      deadline: testDeadline(),
      baseUrl: server.url,
      clock: recordingClock(),
      random: () => 0,
      logger,
    }).get('/x');
    expect(logger.lines).toEqual([
      `info: GET ${server.url}/x: attempt 1 of 5 failed (503 Service Unavailable); retrying in 0 ms`,
    ]);
  });
});

describe('HttpClient timeouts', () => {
  it('aborts an attempt that hangs, and retries it when idempotent', async () => {
    const server = await scripted(() => {}, json({ late: false }));
    const client = new HttpClient({
      deadline: testDeadline(),
      baseUrl: server.url,
      timeoutMs: 100,
      clock: recordingClock(),
    });
    expect((await client.get('/x')).json()).toEqual({ late: false });
    expect(server.requests).toHaveLength(2);
  });

  it('marks a timed-out write as outcome unknown and does not resend it', async () => {
    const server = await scripted(() => {});
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: server.url, timeoutMs: 100 });
    const error = (await client.post('/commit').catch((e: unknown) => e)) as HttpError;
    expect(error.code).toBe('TIMEOUT');
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toContain('timed out after 100 ms');
    expect(server.requests).toHaveLength(1);
  });

  it('stops at the overall deadline however many attempts remain', async () => {
    const server = await scripted(() => {});
    const client = new HttpClient({
      deadline: testDeadline(),
      baseUrl: server.url,
      timeoutMs: 10_000,
      deadlineMs: 300,
      retry: { maxAttempts: 100, baseDelayMs: 10 },
    });
    const started = Date.now();
    const error = (await client.get('/x').catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(['TIMEOUT', 'DEADLINE']).toContain(error.code);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops when the caller aborts', async () => {
    const server = await scripted(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by caller')), 50);
    await expect(
      new HttpClient({ deadline: testDeadline(), baseUrl: server.url }).get('/x', { signal: controller.signal }),
    ).rejects.toThrow('cancelled by caller');
  });
});

describe('HttpClient requests', () => {
  it('keeps the base path prefix, adds query and auth headers', async () => {
    const server = await scripted(json({}));
    const client = new HttpClient({
      deadline: testDeadline(),
      baseUrl: `${server.url}/mlflow/`,
      auth: { type: 'bearer', token: 't0ken' },
    });
    await client.get('/api/2.0/mlflow/runs/get', { query: { run_id: 'abc', tag: ['a', 'b'], skip: undefined } });
    expect(server.requests[0]!.url).toBe('/mlflow/api/2.0/mlflow/runs/get?run_id=abc&tag=a&tag=b');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer t0ken');
  });

  it('sends basic auth', async () => {
    const server = await scripted(json({}));
    await new HttpClient({
      deadline: testDeadline(),
      baseUrl: server.url,
      auth: { type: 'basic', username: 'admin', password: 'pw' },
    }).get('/');
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
  });

  it('returns accepted statuses instead of throwing, and never follows redirects', async () => {
    const server = await scripted(status(404, 'nope'), status(302, '', { location: 'https://login.example.com/' }));
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: server.url });
    expect((await client.get('/missing', { accept: [404] })).status).toBe(404);
    await expect(client.get('/guarded')).rejects.toMatchObject({ status: 302 });
    expect(server.requests).toHaveLength(2);
  });

  it('clips error bodies to 2 KB and reports non-JSON bodies clearly', async () => {
    const server = await scripted(status(400, 'x'.repeat(10_000)), status(200, '<html>login</html>'));
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: server.url });
    const error = (await client.get('/x').catch((e: unknown) => e)) as HttpError;
    expect(error.body!.length).toBeLessThanOrEqual(2049);
    const response = await client.get('/y');
    expect(() => response.json()).toThrow(`GET ${server.url}/y returned a body that is not JSON: <html>login</html>`);
  });
});

describe('redaction', () => {
  it('strips credentials from URLs', () => {
    expect(redactUrl('https://user:secret@example.com/a?token=abc&page=2&X-Amz-Signature=s')).toBe(
      'https://example.com/a?token=***&page=2&X-Amz-Signature=***',
    );
  });

  it('strips userinfo and known secrets from any text', () => {
    expect(redactText('cannot reach https://bot:ghp_abc@github.com/org/repo.git with ghp_abc', ['ghp_abc'])).toBe(
      'cannot reach https://github.com/org/repo.git with ***',
    );
  });

  it('never lets the token into an error, even when the server echoes it', async () => {
    const server = await scripted((req, res) => {
      res.writeHead(401);
      res.end(`invalid token ${req.headers.authorization}`);
    });
    const client = new HttpClient({
      deadline: testDeadline(),
      baseUrl: server.url,
      auth: { type: 'bearer', token: 'super-secret-token' },
    });
    const error = (await client.get('/x').catch((e: unknown) => e)) as HttpError;
    expect(error.message).toBe(`GET ${server.url}/x failed with 401 Unauthorized: invalid token Bearer ***`);
  });
});

describe('backoff and Retry-After parsing', () => {
  it('caps the exponential ceiling', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('reads seconds and dates, ignores garbage', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(60_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 08:00:00 GMT'))).toBe(0);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe('proxy and TLS', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('goes through HTTP_PROXY, and around it for NO_PROXY hosts', async () => {
    const server = await scripted(json({ via: 'origin' }));
    const proxy = await tunnellingProxy();
    try {
      process.env.HTTP_PROXY = proxy.url;
      delete process.env.NO_PROXY;
      delete process.env.no_proxy;
      await new HttpClient({ deadline: testDeadline(), baseUrl: server.url }).get('/through');
      expect(proxy.tunnels).toBe(1);

      process.env.NO_PROXY = '127.0.0.1';
      await new HttpClient({ deadline: testDeadline(), baseUrl: server.url }).get('/around');
      expect(proxy.tunnels).toBe(1);
      expect(server.requests.map((r) => r.url)).toEqual(['/through', '/around']);
    } finally {
      proxy.close();
    }
  });

  it('trusts an extra CA, refuses an unknown one, and warns when verification is off', async () => {
    const { cert, key } = selfSignedCertificate();
    const server = createHttpsServer({ cert, key }, (_req, res) => res.end('{"tls":true}'));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

    await expect(
      new HttpClient({ deadline: testDeadline(), baseUrl: url, retry: { maxAttempts: 1 } }).get('/'),
    ).rejects.toThrow(/certificate/i);
    expect(
      (await new HttpClient({ deadline: testDeadline(), baseUrl: url, tls: { caCert: cert } }).get('/')).json(),
    ).toEqual({ tls: true });

    const logger = memoryLogger();
    await new HttpClient({ deadline: testDeadline(), baseUrl: url, tls: { insecure: true }, logger }).get('/');
    expect(logger.lines[0]).toMatch(/^warning: TLS certificate verification is off for 127\.0\.0\.1:\d+/);
  });
});

async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A CONNECT proxy that counts the tunnels it opens. */
async function tunnellingProxy(): Promise<{ url: string; tunnels: number; close(): void }> {
  const state = { url: '', tunnels: 0, close: () => {} };
  const proxy = createHttpServer();
  proxy.on('connect', (req, clientSocket, head) => {
    state.tunnels++;
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), host, () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  state.close = () => {
    proxy.closeAllConnections();
    proxy.close();
  };
  return state;
}

function selfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
}

const far = () => Deadline.after(600_000, 'the test deadline');

describe('redacting every secret the client knows', () => {
  it('replaces a secret in every form an upstream could echo it in, in any letter case', () => {
    const secret = 'pa55/w0rd+&"x';
    const forms = [
      secret,
      secret.toUpperCase(),
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
      'pa55/w0rd+&amp;&quot;x',
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
    ];
    for (const form of forms) expect(redactText(`before ${form} after`, [secret])).toBe('before *** after');
  });

  it('keeps the body for parsing, and quotes it redacted in every error and in redactedBody()', async () => {
    const headers = { cookie: 'session=c00kie-v4lue', 'x-api-key': 'k3y-v4lue' };
    const echo = (h: IncomingMessage['headers']) =>
      `echo ${h.authorization} ${Buffer.from(h.authorization!.slice(6), 'base64')} ${h.cookie} ${encodeURIComponent(h['x-api-key'] as string)}`;
    const { url } = await scripted((req, res) =>
      res.writeHead(req.headers['x-fail'] ? 500 : 200).end(echo(req.headers)),
    );
    const client = new HttpClient({
      deadline: far(),
      baseUrl: url,
      headers,
      auth: { type: 'basic', username: 'bot', password: 'pa55w0rd' },
      retry: { maxAttempts: 1 },
    });
    const secrets = ['pa55w0rd', 'bot:pa55w0rd', Buffer.from('bot:pa55w0rd').toString('base64'), 'c00kie', 'k3y-v4lue'];
    const response = await client.get('/ok');
    expect(response.body).toContain('c00kie');
    const notJson = (() => {
      try {
        response.json();
      } catch (error) {
        return error as HttpError;
      }
    })()!;
    const status = (await client.get('/fail', { headers: { 'x-fail': '1' } }).catch((e: unknown) => e)) as HttpError;
    for (const quoted of [response.redactedBody(), notJson.message, notJson.body!, status.message, status.body!]) {
      expect(quoted).toContain('echo');
      for (const secret of secrets) expect(quoted).not.toContain(secret);
    }
  });
});

describe('the step deadline', () => {
  it('cuts an attempt that would outlast it, and names it', async () => {
    const { url } = await scripted(() => {});
    const client = new HttpClient({
      deadline: Deadline.after(300, "the step's timeout (0.3s)"),
      baseUrl: url,
      timeoutMs: 60_000,
    });
    const error = (await client.get('/slow').catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.code).toBe('DEADLINE');
    expect(error.message).toContain("the step's timeout (0.3s) has passed");
  });

  it('sends nothing once it has passed, sendOnce included', async () => {
    const { url, requests } = await scripted(json({}));
    const client = new HttpClient({ deadline: Deadline.after(-1, 'the step deadline'), baseUrl: url });
    await expect(client.get('/x')).rejects.toMatchObject({ code: 'DEADLINE' });
    await expect(client.sendOnce('GET', '/x')).rejects.toMatchObject({ code: 'DEADLINE' });
    expect(requests).toEqual([]);
  });
});
