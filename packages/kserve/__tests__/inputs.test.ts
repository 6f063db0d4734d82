import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Inputs, recordInputSource } from '@mlops-actions/action-kit/inputs';
import { readHealthCheckInputs } from '../src/inputs.js';
import { spec } from '../../../actions/kserve-health-check/src/spec.generated.js';

const workspace = mkdtempSync(join(tmpdir(), 'kserve-config-'));
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
writeFileSync(join(workspace, 'ca.pem'), PEM);
writeFileSync(
  join(workspace, 'payload.json'),
  '{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}]}',
);
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function config(values: Record<string, string>) {
  const masked: string[] = [];
  const inputs = new Inputs(
    recordInputSource(values, (secret) => masked.push(secret)),
    { spec, workspace },
  );
  return { config: readHealthCheckInputs(inputs), masked };
}

describe('readHealthCheckInputs (kserve-health-check inputs)', () => {
  it('applies the defaults of action.yml', () => {
    const { config: c } = config({ url: 'https://gw.example.com/serving/', model: 'iris' });
    expect(c.check).toEqual({
      model: 'iris',
      protocol: 'auto',
      modelVersion: undefined,
      timeoutMs: 300_000,
      requestTimeoutMs: 10_000,
      notFoundGraceMs: 60_000,
      payload: undefined,
      expected: undefined,
      tolerance: 1e-6,
      requests: 0,
      concurrency: 1,
      maxP95Ms: undefined,
      maxErrorRate: 0,
    });
    expect(c.client).toMatchObject({
      baseUrl: new URL('https://gw.example.com/serving/'),
      hostHeader: undefined,
      headers: {},
    });
  });

  it('masks the token and every header value, and takes a Host line from headers as the Host header', () => {
    const { config: c, masked } = config({
      url: 'http://gw',
      model: 'iris',
      token: 'tkn-secret',
      headers: 'Cookie: authservice_session=abc123\nHost: iris.models.example.com\nX-Tenant: blue',
    });
    expect(c.client.auth).toEqual({ type: 'bearer', token: 'tkn-secret' });
    expect(c.client.hostHeader).toBe('iris.models.example.com');
    expect(c.client.headers).toEqual({ cookie: 'authservice_session=abc123', 'x-tenant': 'blue' });
    expect(masked).toEqual(expect.arrayContaining(['tkn-secret', 'authservice_session=abc123', 'blue']));
    expect(masked).not.toContain('iris.models.example.com');
  });

  it('prefers the host input over a Host header line', () => {
    const { config: c } = config({
      url: 'http://gw',
      model: 'm',
      host: 'a.example.com:8443',
      headers: 'Host: b.example.com',
    });
    expect(c.client.hostHeader).toBe('a.example.com:8443');
  });

  it('reads ca-cert as PEM text or as a file, and caps the 404 grace by the timeout', () => {
    expect(config({ url: 'https://gw', model: 'm', 'ca-cert': PEM }).config.client.tls?.caCert).toBe(PEM.trim());
    const fromFile = config({ url: 'https://gw', model: 'm', 'ca-cert': 'ca.pem', timeout: '20s' }).config;
    expect(fromFile.client.tls?.caCert).toBe(PEM);
    expect(fromFile.check.notFoundGraceMs).toBe(20_000);
  });

  it('reads the payload from a file and checks its shape', () => {
    const { config: c } = config({
      url: 'http://gw',
      model: 'm',
      'payload-file': 'payload.json',
      requests: '10',
      concurrency: '4',
    });
    expect(c.check.payload).toEqual({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] });
    expect([c.check.requests, c.check.concurrency]).toEqual([10, 4]);
  });
});
