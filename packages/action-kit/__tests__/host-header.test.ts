import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpClient } from '../src/http/index.js';
import { testDeadline } from '../../../test/helpers/deadline.js';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ host: req.headers.host, custom: req.headers['x-custom'] ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('HttpClient hostHeader', () => {
  it('sends the given Host header instead of the URL host, keeping the other headers', async () => {
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: url, hostHeader: 'iris.models.example.com' });
    const got = (await client.get('/x', { headers: { 'x-custom': 'kept' } })).json<Record<string, string>>();
    expect(got).toEqual({ host: 'iris.models.example.com', custom: 'kept' });
    await client.close();
  });

  it('sends the URL host when no Host header is asked for', async () => {
    const client = new HttpClient({ deadline: testDeadline(), baseUrl: url });
    const got = (await client.get('/x')).json<Record<string, string>>();
    expect(got.host).toBe(new URL(url).host);
    await client.close();
  });
});
