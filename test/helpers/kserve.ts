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
 * test/fixtures/kserve/model_server.py, V1 and V2 on one 127.0.0.1 port.
 */
export function startKServe(options: KServeOptions): Promise<Service> {
  return startKServeScript({
    name: 'kserve',
    script: KSERVE_MODEL_SERVER,
    args: [
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
    ],
    readyPath: '/',
    onPort: options.onPort,
  });
}

export interface KServeScript {
  name: string;
  /** A Python script that starts kserve.ModelServer (see test/fixtures/kserve/). */
  script: string;
  /** Its own arguments, after the server's port arguments. */
  args: string[];
  /** Answers 200 once the server is ready for the caller. */
  readyPath: string;
  onPort?: (port: number) => void;
}

/**
 * A kserve.ModelServer script run with the `kserve` venv: one worker, REST on an ephemeral
 * 127.0.0.1 port, gRPC disabled and still given its own ephemeral port so that no default port is
 * ever touched.
 */
export async function startKServeScript(spec: KServeScript): Promise<Service> {
  const grpcPort = await freePort();
  return startService({
    name: spec.name,
    command: venvBin('kserve', 'python'),
    args: (port) => {
      spec.onPort?.(port);
      return [
        spec.script,
        '--http_port',
        String(port),
        '--grpc_port',
        String(grpcPort),
        '--enable_grpc',
        'false',
        '--workers',
        '1',
        ...spec.args,
      ];
    },
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    readyPath: spec.readyPath,
    isReady: (status) => status === 200,
    startTimeoutMs: 90_000,
  });
}
