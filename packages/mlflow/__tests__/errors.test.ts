import { describe, expect, it } from '@jest/globals';
import { HttpError } from '@mlops-actions/action-kit/http';
import { MlflowError, collectPages, isMissingAlias, toMlflowError } from '../src/index.js';

const URI = 'https://mlflow.example.com/prefix';

function classify(status: number | undefined, body = '', extra: { outcomeUnknown?: boolean } = {}): MlflowError {
  const error = new HttpError(
    { method: 'GET', url: `${URI}/api/2.0/mlflow/x`, status, body, attempts: 1, ...extra },
    status ? `failed with ${status}` : 'failed: connect ECONNREFUSED',
  );
  const result = toMlflowError(error, 'do the thing', URI);
  expect(result).toBeInstanceOf(MlflowError);
  return result as MlflowError;
}

const json = (code: string, message: string) => JSON.stringify({ error_code: code, message });

describe('toMlflowError: classified by error_code, not by HTTP status', () => {
  it.each([
    [400, json('RESOURCE_ALREADY_EXISTS', 'Registered Model (name=m) already exists.'), 'already-exists'],
    [400, json('INVALID_PARAMETER_VALUE', 'Registered model alias champion not found.'), 'invalid'],
    [404, json('RESOURCE_DOES_NOT_EXIST', 'Run with id=x not found'), 'not-found'],
    [409, json('RESOURCE_ALREADY_EXISTS', 'exists'), 'already-exists'],
    [401, json('UNAUTHENTICATED', 'who are you'), 'unauthenticated'],
    [403, json('PERMISSION_DENIED', 'no'), 'permission-denied'],
    [503, json('TEMPORARILY_UNAVAILABLE', 'later'), 'unavailable'],
    [400, json('SOMETHING_NEW', 'hm'), 'other'],
  ])('%s %s → %s', (status, body, kind) => {
    const error = classify(status, body);
    expect(error.kind).toBe(kind);
    expect(error.errorCode).toBe(JSON.parse(body).error_code);
    expect(error.message).toContain(
      `Could not do the thing: MLflow answered ${status} ${JSON.parse(body).error_code}:`,
    );
  });

  it('tells a missing alias (400 on OSS, 404 elsewhere) from other invalid requests', () => {
    expect(
      isMissingAlias(classify(400, json('INVALID_PARAMETER_VALUE', 'Registered model alias champion not found.'))),
    ).toBe(true);
    expect(isMissingAlias(classify(404, json('RESOURCE_DOES_NOT_EXIST', 'alias not found')))).toBe(true);
    expect(
      isMissingAlias(classify(400, json('INVALID_PARAMETER_VALUE', "Invalid value 1 for parameter 'version'"))),
    ).toBe(false);
  });
});

describe('toMlflowError: bodies that are not MLflow JSON still explain themselves', () => {
  it('a plain-text 401 from the basic-auth app', () => {
    const error = classify(
      401,
      'You are not authenticated. Please see https://mlflow.org/docs/auth on how to authenticate.',
    );
    expect(error.kind).toBe('unauthenticated');
    expect(error.message).toContain('did not accept the credentials');
  });

  it('the plain-text 403 of the host check', () => {
    const error = classify(403, 'Invalid Host header - possible DNS rebinding attack detected');
    expect(error.kind).toBe('host-rejected');
    expect(error.message).toContain('--allowed-hosts');
  });

  it('a plain-text 403 permission denial', () => {
    expect(classify(403, 'Permission denied').kind).toBe('permission-denied');
  });

  it('an HTML page from a proxy', () => {
    const error = classify(502, '<!DOCTYPE html><html><body>Bad Gateway</body></html>');
    expect(error.kind).toBe('not-mlflow');
    expect(error.message).toContain('a proxy, load balancer or login page answered');
    expect(error.message).not.toContain('<html');
  });

  it('an empty 404: no such endpoint (older server or wrong prefix)', () => {
    const error = classify(404, '');
    expect(error.kind).toBe('endpoint-missing');
    expect(error.message).toContain('path prefix may be wrong');
  });

  it('no answer at all, with a write whose outcome is unknown', () => {
    const error = classify(undefined, '', { outcomeUnknown: true });
    expect(error).toMatchObject({ kind: 'unreachable', outcomeUnknown: true });
    expect(error.message).toContain(`${URI} did not answer`);
    expect(error.message).toContain('may or may not have been applied');
  });

  it('passes anything that is not an HttpError through unchanged', () => {
    const other = new TypeError('boom');
    expect(toMlflowError(other, 'x', URI)).toBe(other);
  });
});

describe('collectPages', () => {
  it('follows tokens until an empty one', async () => {
    const pages: Record<string, { items: number[]; nextPageToken?: string }> = {
      '': { items: [1, 2], nextPageToken: 'a' },
      a: { items: [3], nextPageToken: 'b' },
      b: { items: [4], nextPageToken: '' },
    };
    const seen: (string | undefined)[] = [];
    const items = await collectPages(async (token) => {
      seen.push(token);
      return pages[token ?? '']!;
    });
    expect(items).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([undefined, 'a', 'b']);
  });

  it('stops on a token that does not advance (MLflow ≤ 3.13 get-history without max_results)', async () => {
    let calls = 0;
    const items = await collectPages(async () => {
      calls++;
      return { items: [], nextPageToken: 'stuck' };
    });
    expect(items).toEqual([]);
    expect(calls).toBe(2);
  });

  it('stops after maxPages', async () => {
    let calls = 0;
    await collectPages(async () => ({ items: [calls], nextPageToken: `t${++calls}` }), { maxPages: 5 });
    expect(calls).toBe(5);
  });
});
