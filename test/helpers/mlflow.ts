import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, venvBin } from './paths.js';
import { startService, type Service } from './service.js';
import { scaled } from './timeouts.js';

/** Keeps the server and the fixture client from phoning home. */
const QUIET_ENV = { MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true', PYTHONUNBUFFERED: '1' };

export interface MlflowServer extends Service {
  /** The temp dir holding the SQLite database and the artifacts; removed by stop(). */
  dir: string;
  /** The SQLite file of the tracking and registry store. */
  database: string;
  /** Admin credentials, for a server started with basic auth. */
  admin?: { username: string; password: string };
}

/**
 * A real MLflow 3.x server from the stack's `mlflow` virtualenv: SQLite backend and proxied local
 * artifacts in a temp dir, one worker, on an ephemeral loopback port. With `basicAuth`, the
 * `basic-auth` app with its own user database and a fresh random admin password
 * (MLFLOW_AUTH_CONFIG_PATH, MLFLOW_AUTH_ADMIN_PASSWORD and MLFLOW_FLASK_SERVER_SECRET_KEY). stop() ends it and removes the dir.
 * The first start migrates the schema and takes several seconds: start one per test file.
 */
export async function startMlflow(
  options: {
    basicAuth?: boolean;
    /**
     * Where the server keeps artifacts (e.g. s3://bucket on moto, with `env` giving
     * MLFLOW_S3_ENDPOINT_URL and credentials), and the stack environment to run it from (one
     * with boto3 for S3). Default: a local folder, the mlflow environment.
     */
    artifacts?: { destination: string; env: Record<string, string>; venv: string };
  } = {},
): Promise<MlflowServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-server-'));
  const database = join(dir, 'mlflow.db');
  const env: Record<string, string> = { ...QUIET_ENV, ...options.artifacts?.env };
  const extraArgs: string[] = [];
  let admin: MlflowServer['admin'];
  if (options.basicAuth) {
    admin = { username: 'admin', password: `pw-${randomBytes(12).toString('hex')}` };
    const ini = join(dir, 'basic_auth.ini');
    writeFileSync(
      ini,
      [
        '[mlflow]',
        'default_permission = READ',
        `database_uri = sqlite:///${join(dir, 'auth.db')}`,
        `admin_username = ${admin.username}`,
        'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
        // Checks each (user, password) with PBKDF2 once, not on every request: keeps the tests quick.
        'auth_cache_ttl_seconds = 300',
        '',
      ].join('\n'),
    );
    env.MLFLOW_AUTH_CONFIG_PATH = ini;
    env.MLFLOW_AUTH_ADMIN_PASSWORD = admin.password;
    // The auth app's CSRF protection refuses to start without a static key.
    env.MLFLOW_FLASK_SERVER_SECRET_KEY = randomBytes(24).toString('hex');
    extraArgs.push('--app-name', 'basic-auth');
  }
  let service: Service;
  try {
    service = await startService({
      name: options.basicAuth ? 'mlflow (basic auth)' : 'mlflow',
      command: venvBin(options.artifacts?.venv ?? 'mlflow', 'mlflow'),
      args: (port) => [
        'server',
        '--backend-store-uri',
        `sqlite:///${database}`,
        '--artifacts-destination',
        options.artifacts?.destination ?? join(dir, 'artifacts'),
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--workers',
        '1',
        ...extraArgs,
      ],
      cwd: dir,
      env,
      readyPath: '/health',
      isReady: (status) => status === 200,
      startTimeoutMs: 180_000,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...service,
    dir,
    database,
    admin,
    stop: async () => {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs test/fixtures/mlflow/<script>.py with the `mlflow` virtualenv's Python (the real MLflow
 * client) against `server`; `spec` goes in as JSON on stdin and the script's last stdout line
 * comes back parsed as JSON.
 */
export function runMlflowFixture<T>(server: MlflowServer, script: string, spec: unknown): Promise<T> {
  const env: Record<string, string> = { MLFLOW_TRACKING_URI: server.url, MLFLOW_DATABASE: server.database };
  if (server.admin) {
    env.MLFLOW_TRACKING_USERNAME = server.admin.username;
    env.MLFLOW_TRACKING_PASSWORD = server.admin.password;
  }
  return runMlflowPython<T>(script, spec, { env, cwd: server.dir });
}

/** The same, for a script that needs no server (e.g. one that calls MLflow's library functions). */
export function runMlflowPython<T>(
  script: string,
  spec: unknown,
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<T> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...QUIET_ENV, ...options.env };
  const path = join(repoRoot, 'test', 'fixtures', 'mlflow', `${script}.py`);
  return new Promise((resolve, reject) => {
    const child = execFile(
      venvBin('mlflow', 'python'),
      [path],
      { env, cwd: options.cwd ?? tmpdir(), timeout: scaled(300_000), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${script}.py failed: ${error.message}\n${stderr.slice(-4000)}`));
        const last = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(last) as T);
        } catch {
          reject(new Error(`${script}.py printed no JSON result:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
        }
      },
    );
    child.stdin!.end(JSON.stringify(spec));
  });
}
