// Upstreams that echo the request's credentials back in a body the action quotes (an error
// status, a body that is not JSON): the bundles, run as the runner runs them, must never print,
// summarise or output a credential in any form the upstream could have echoed it in.
import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runAction, type ActionResult } from '../helpers/run-action.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const TOKEN = 'tok-Echoed-5ecret-0123456789';
const COOKIE = 'session=c00kie-Echoed-V4lue';
const API_KEY = 'k3y-Echoed-Value-987654';
const USER = 'ci-bot';
const PASSWORD = 'pa55-Echoed-w0rd';

/** A body that is not JSON and quotes every header back, raw and in the encodings proxies and apps use. */
function echo(headers: IncomingHttpHeaders): string {
  // Credentials first: callers clip what they quote, and a leak must not hide behind the clip.
  const values = ['authorization', 'cookie', 'x-api-key'].flatMap((name) =>
    headers[name] ? [String(headers[name])] : [],
  );
  const basic = /^Basic (.+)$/.exec(headers.authorization ?? '')?.[1];
  if (basic) values.unshift(Buffer.from(basic, 'base64').toString('utf8'));
  return [
    'this is not JSON; you sent:',
    ...values,
    ...values.map((v) => `url-encoded ${encodeURIComponent(v)}`),
    ...values.map((v) => `upper-cased ${v.toUpperCase()}`),
    ...values.map((v) => `json ${JSON.stringify(v)}`),
    ...values.map((v) => `base64 ${Buffer.from(v).toString('base64')}`),
    ...Object.entries(headers).map(([name, value]) => `${name}: ${String(value)}`),
  ].join('\n');
}

function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')].map((f) => f.toLowerCase());
}

/** Everything a workflow's reader or a later step sees, with the runner's own mask lines left out. */
function visible(result: ActionResult): string {
  return [
    result.stdout.replace(/^::add-mask::.*$/gm, ''),
    result.stderr,
    result.summary,
    JSON.stringify(result.outputs),
  ]
    .join('\n')
    .toLowerCase();
}

function expectNoSecret(result: ActionResult, secrets: string[]): void {
  const text = visible(result);
  for (const secret of secrets) {
    for (const form of forms(secret)) expect(text).not.toContain(form);
  }
}

let upstream: Upstream | undefined;
afterEach(async () => {
  await upstream?.stop();
  upstream = undefined;
});

async function echoing(status: number): Promise<Upstream> {
  upstream = await startUpstream((headers) => ({ status, body: echo(headers) }));
  return upstream;
}

describe('credentials echoed in response bodies never reach the log, summary or outputs', () => {
  it('wait-argocd-sync: a 200 that is not JSON', async () => {
    const server = await echoing(200);
    const result = await runAction('wait-argocd-sync', {
      inputs: { server: server.url, token: TOKEN, application: 'iris', timeout: '5s' },
      timeoutMs: 60_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/not JSON/);
    expect(server.requests).toBeGreaterThan(0);
    expectNoSecret(result, [TOKEN]);
  });

  it('bump-kserve-image (api): a 200 that is not JSON', async () => {
    const server = await echoing(200);
    const result = await runAction('bump-kserve-image', {
      inputs: {
        image: 'ghcr.io/acme/iris:1.5.0',
        'inference-service': 'iris',
        repository: 'acme/gitops',
        token: TOKEN,
        'github-api-url': server.url,
        timeout: '30s',
      },
      timeoutMs: 60_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/not JSON/);
    expectNoSecret(result, [TOKEN]);
  });

  it.each([
    ['a 500 on every request', 500, {}],
    ['a 200 that is not JSON to the smoke request', 200, { payload: '{"instances": [[1, 2]]}' }],
  ])('kserve-health-check: %s', async (_what, status, extra) => {
    const server = await echoing(status);
    const result = await runAction('kserve-health-check', {
      inputs: {
        url: server.url,
        model: 'iris',
        token: TOKEN,
        headers: `Cookie: ${COOKIE}\nX-Api-Key: ${API_KEY}`,
        timeout: '2s',
        'not-found-grace': '0s',
        ...extra,
      },
      timeoutMs: 60_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/this is not JSON/i);
    expectNoSecret(result, [TOKEN, COOKIE, API_KEY]);
  });

  it('mlflow-gate-and-register: basic auth, a 200 that is not JSON', async () => {
    const server = await echoing(200);
    const result = await runAction('mlflow-gate-and-register', {
      inputs: {
        'tracking-uri': server.url,
        username: USER,
        password: PASSWORD,
        'model-name': 'iris',
        'experiment-name': 'iris',
        thresholds: '{"accuracy": {"threshold": 0.8, "greater_is_better": true}}',
      },
      timeoutMs: 60_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/not JSON/);
    expectNoSecret(result, [PASSWORD, `${USER}:${PASSWORD}`]);
  });
});
