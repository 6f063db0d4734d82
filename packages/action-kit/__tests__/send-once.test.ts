import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpClient, HttpError } from '../src/http/index.js';
import { testDeadline } from '../../../test/helpers/deadline.js';

let server: Server;
let url: string;
const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url!.includes('hang')) return; // never answers
      const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ got: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('HttpClient.sendOnce', () => {
  it('sends one request with the base path, default headers, auth and Host header, and returns the answer', async () => {
    const client = new HttpClient({
      deadline: testDeadline(),
      baseUrl: url,
      auth: { type: 'bearer', token: 'tok-123' },
      headers: { 'x-team': 'ml' },
      hostHeader: 'iris.example.com',
    });
    const answer = await client.sendOnce('POST', '/infer?x=1', {
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    await client.close();
    expect(answer).toEqual({ status: 200, body: '{"got":"{\\"a\\":1}"}' });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/prefix/infer?x=1',
      headers: {
        authorization: 'Bearer tok-123',
        'x-team': 'ml',
        host: 'iris.example.com',
        'content-type': 'application/json',
      },
    });
  });

  it('returns error statuses instead of throwing, and never retries them', async () => {
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: url });
    const before = seen.length;
    expect((await client.sendOnce('POST', '/x?status=503')).status).toBe(503);
    expect((await client.sendOnce('GET', '/x?status=302')).status).toBe(302);
    expect(seen.length - before).toBe(2);
    await client.close();
  });

  it('throws an HttpError with the TIMEOUT code when the answer is late', async () => {
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: url });
    const error = await client.sendOnce('GET', '/hang', { timeoutMs: 200 }).catch((caught: unknown) => caught);
    await client.close();
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ code: 'TIMEOUT', attempts: 1 });
  });

  it('throws an HttpError with the network code when nothing listens', async () => {
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: 'http://127.0.0.1:9' });
    const error = await client.sendOnce('GET', '/').catch((caught: unknown) => caught);
    await client.close();
    expect(error).toMatchObject({ name: 'HttpError', code: 'ECONNREFUSED' });
  });

  it('goes through an injected fetch, for tests without a network', async () => {
    const client = new HttpClient({
      deadline: testDeadline(),
      baseUrl: 'http://model.test',
      fetch: async () => new Response('busy', { status: 429 }),
    });
    expect(await client.sendOnce('POST', '/infer', { body: '{}' })).toEqual({ status: 429, body: 'busy' });
  });
});
