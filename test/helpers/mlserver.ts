import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, venvBin } from './paths.js';
import { freePort, startService, type Service } from './service.js';

export interface MLServerOptions {
  /** The served model's name. Default "iris". */
  model?: string;
  /** The version the model settings declare (and the V2 metadata reports). Default "v1". */
  version?: string;
}

export interface MLServer extends Service {
  model: string;
  version: string;
  /** Three iris rows and the trained model's predictions for them. */
  sample: { rows: number[][]; predictions: number[] };
}

/**
 * MLServer (the `mlserver` venv, V2 only) serving a small scikit-learn model trained here, on
 * 127.0.0.1 with ephemeral HTTP and gRPC ports, the metrics server off and no worker pool.
 */
export async function startMLServer(options: MLServerOptions = {}): Promise<MLServer> {
  const model = options.model ?? 'iris';
  const version = options.version ?? 'v1';
  const folder = mkdtempSync(join(tmpdir(), 'mlserver-'));
  try {
    const trained = execFileSync(
      venvBin('mlserver', 'python'),
      [join(repoRoot, 'test', 'fixtures', 'mlserver', 'train.py'), folder, model, version],
      { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
    );
    const sample = JSON.parse(trained.trim().split('\n').pop()!) as MLServer['sample'];
    const grpcPort = await freePort();
    const service = await startService({
      name: 'mlserver',
      command: venvBin('mlserver', 'mlserver'),
      args: (port) => {
        writeFileSync(
          join(folder, 'settings.json'),
          JSON.stringify({
            host: '127.0.0.1',
            http_port: port,
            grpc_port: grpcPort,
            metrics_endpoint: null,
            parallel_workers: 0,
          }),
        );
        return ['start', folder];
      },
      cwd: folder,
      env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
      readyPath: `/v2/models/${model}/ready`,
      isReady: (status) => status === 200,
      startTimeoutMs: 90_000,
    });
    return {
      ...service,
      model,
      version,
      sample,
      stop: async () => {
        try {
          await service.stop();
        } finally {
          rmSync(folder, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}
