import { join } from 'node:path';
import { repoRoot, venvBin } from './paths.js';
import { freePort, startService, type Service } from './service.js';

export type KServeFixtureModel = 'echo' | 'delayed' | 'slow' | 'broken';

export interface KServeOptions {
  models: KServeFixtureModel[];
  /** delayed: seconds load() takes (nothing listens meanwhile). */
  loadDelaySeconds?: number;
  /** delayed: seconds the registered model then answers 503 "not ready". */
  readyDelaySeconds?: number;
  /** slow: milliseconds each prediction takes. */
  predictDelayMs?: number;
  /** Called with the HTTP port before the server listens, e.g. to start a client that must wait for it. */
  onPort?: (port: number) => void;
}

export const KSERVE_MODEL_SERVER = join(repoRoot, 'test', 'fixtures', 'kserve', 'model_server.py');

/**
 * KServe's real Python model server (the `kserve` venv) with the fixture models of
 * test/fixtures/kserve/model_server.py, V1 and V2 on one 127.0.0.1 port. gRPC is disabled, and
 * still given its own ephemeral port so that no default port is ever touched.
 */
export async function startKServe(options: KServeOptions): Promise<Service> {
  const grpcPort = await freePort();
  return startService({
    name: 'kserve',
    command: venvBin('kserve', 'python'),
    args: (port) => {
      options.onPort?.(port);
      return [
        KSERVE_MODEL_SERVER,
        '--http_port',
        String(port),
        '--grpc_port',
        String(grpcPort),
        '--enable_grpc',
        'false',
        '--workers',
        '1',
        '--enable_latency_logging',
        'false',
        '--models',
        options.models.join(','),
        '--load_delay',
        String(options.loadDelaySeconds ?? 0),
        '--ready_delay',
        String(options.readyDelaySeconds ?? 0),
        '--predict_delay_ms',
        String(options.predictDelayMs ?? 50),
      ];
    },
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    readyPath: '/',
    isReady: (status) => status === 200,
    startTimeoutMs: 90_000,
  });
}
