import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface OidcIssuer {
  url: string;
  /** The runner environment that lets a job request a token (what GitHub sets with id-token: write). */
  runnerEnv(runId: string): Record<string, string>;
  /** The tokens handed out, decoded: audience and subject of each. */
  issued: { audience: string; subject: string; runId: string }[];
  stop(): Promise<void>;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A GitHub Actions OIDC token endpoint on loopback. act sets no ACTIONS_ID_TOKEN_REQUEST_URL or
 * _TOKEN (no occurrence in act v0.2.89's pkg/ or cmd/), so the harness serves one: GET
 * ?audience=… with the request bearer answers {"value": <JWT>} as GitHub's does. The JWT is signed
 * with a per-process HMAC key; moto's STS accepts it without checking, as it accepts anything.
 */
export async function startOidcIssuer(): Promise<OidcIssuer> {
  const requestToken = randomBytes(16).toString('hex');
  const key = randomBytes(32);
  const issued: OidcIssuer['issued'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://issuer');
    const runId = url.pathname.replace(/^\/token\//, '');
    if (
      req.headers.authorization !== `bearer ${requestToken}` &&
      req.headers.authorization !== `Bearer ${requestToken}`
    ) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
      return;
    }
    const audience = url.searchParams.get('audience') ?? 'https://github.com';
    const subject = `repo:your-org/model-repo:run:${runId}`;
    const header = b64url({ alg: 'HS256', typ: 'JWT' });
    const now = Math.floor(Date.now() / 1000);
    const body = b64url({
      iss: 'https://token.actions.githubusercontent.com',
      aud: audience,
      sub: subject,
      iat: now,
      exp: now + 300,
    });
    const signature = createHmac('sha256', key).update(`${header}.${body}`).digest('base64url');
    issued.push({ audience, subject, runId });
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ value: `${header}.${body}.${signature}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    issued,
    runnerEnv: (runId) => ({
      ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/token/${runId}?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
