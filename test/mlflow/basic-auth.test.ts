import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { runMlflowFixture, startMlflow, type MlflowServer } from '../helpers/mlflow.js';
import { runAction, type ActionResult } from '../helpers/run-action.js';
import { scaled } from '../helpers/timeouts.js';

// The bundled action against a real MLflow server running the basic-auth app.

let server: MlflowServer;
let runId: string;
const READER = { username: 'reader', password: 'reader-pass-0123456789' };

/** One bundle run's budget: runAction ends it after scaled(RUN_MS). */
const RUN_MS = 120_000;
// Each test runs the bundle once; the test allows twice that, so the action's own timeout reports first.
jest.setTimeout(scaled(2 * RUN_MS));

const THRESHOLDS = '{"accuracy": {"threshold": 0.5, "greater_is_better": true}}';

function gate(credentials: Record<string, string>, model = 'guarded'): Promise<ActionResult> {
  return runAction('mlflow-gate-and-register', {
    inputs: {
      'tracking-uri': server.url,
      'model-name': model,
      'run-id': runId,
      thresholds: THRESHOLDS,
      ...credentials,
    },
    timeoutMs: RUN_MS,
  });
}

/** Everything the action printed except its ::add-mask:: commands (which must carry the secret). */
function unmasked(result: ActionResult): string {
  return `${result.stdout}\n${result.stderr}`
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

beforeAll(async () => {
  server = await startMlflow({ basicAuth: true });
  const logged = await runMlflowFixture<{ runs: { run_id: string }[] }>(server, 'log_runs', {
    experiment: 'auth',
    runs: [{ name: 'trained', metrics: { accuracy: 0.9 } }],
  });
  runId = logged.runs[0]!.run_id;
  const admin = Buffer.from(`${server.admin!.username}:${server.admin!.password}`).toString('base64');
  const created = await fetch(`${server.url}/api/2.0/mlflow/users/create`, {
    method: 'POST',
    headers: { authorization: `Basic ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(READER),
  });
  if (!created.ok) throw new Error(`creating the reader failed: ${created.status} ${await created.text()}`);
}, scaled(240_000));

afterAll(async () => {
  await server?.stop();
});

describe('a basic-auth MLflow server', () => {
  it('gates and registers with the right credentials, masking the password', async () => {
    const result = await gate({ username: server.admin!.username, password: server.admin!.password });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ passed: 'true', version: '1' });
    expect(result.masks).toContain(server.admin!.password);
  });

  it('fails with a clear message, without the password, on a wrong password', async () => {
    const wrong = 'not-the-password-42';
    const result = await gate({ username: server.admin!.username, password: wrong });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain('answered 401');
    expect(result.errors[0]).toContain('did not accept the credentials');
    expect(unmasked(result)).not.toContain(wrong);
  });

  it('fails the same way with no credentials at all', async () => {
    const result = await gate({});
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/read the MLflow server version|answered 401/);
  });

  it('lets a non-admin register a model that does not exist yet (the auth app answers 403 for it, not 404)', async () => {
    const result = await gate(READER, 'readers-model');
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ passed: 'true', version: '1', 'champion-version': '' });
  });

  it('explains a user who may read the model but not change it', async () => {
    // 'guarded' was registered by the admin: the reader has the default READ permission on it.
    const result = await gate(READER, 'guarded');
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(
      /^Could not .* of 'guarded': MLflow at .* answered 403 \("Permission denied"\): the credentials are valid but lack the permission/,
    );
    expect(unmasked(result)).not.toContain(READER.password);
  });
});
