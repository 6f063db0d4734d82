import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Deadline, HttpClient, HttpError, redactText } from '../src/http/index.js';
import { withCommandsStopped } from '../src/workflow-commands.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/** A server answering every request with `answer`; `hang` leaves requests unanswered. */
async function serve(answer: ((headers: IncomingHttpHeaders) => [number, string]) | 'hang'): Promise<string> {
  const server = createServer((req, res) => {
    if (answer === 'hang') return;
    const [status, body] = answer(req.headers);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
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
    const echo = (h: IncomingHttpHeaders) =>
      `echo ${h.authorization} ${Buffer.from(h.authorization!.slice(6), 'base64')} ${h.cookie} ${encodeURIComponent(h['x-api-key'] as string)}`;
    const url = await serve((h) => [h['x-fail'] ? 500 : 200, echo(h)]);
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
    const url = await serve('hang');
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
    let requests = 0;
    const url = await serve(() => (requests++, [200, '{}']));
    const client = new HttpClient({ deadline: Deadline.after(-1, 'the step deadline'), baseUrl: url });
    await expect(client.get('/x')).rejects.toMatchObject({ code: 'DEADLINE' });
    await expect(client.sendOnce('GET', '/x')).rejects.toMatchObject({ code: 'DEADLINE' });
    expect(requests).toBe(0);
  });
});

describe('withCommandsStopped', () => {
  it('frames text with a stop token the text does not hold', () => {
    const tokens = ['abc', 'fresh'];
    const framed = withCommandsStopped('a line with abc in it\n::notice::x', () => tokens.shift()!);
    expect(framed).toBe('::stop-commands::fresh\na line with abc in it\n::notice::x\n::fresh::');
  });
});
