import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Deadline } from '../../packages/action-kit/src/http/index.js';
import type { Logger } from '../../packages/action-kit/src/logger.js';
import {
  MlflowRest,
  Registry,
  getRun,
  registerCandidate,
  resolveModelSource,
} from '../../packages/mlflow/src/index.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { MlflowServer } from '../helpers/mlflow.js';
import { repoRoot, venvBin } from '../helpers/paths.js';

const run = promisify(execFile);
const MODEL_REPO = join(repoRoot, 'examples', 'model-repo');
const quiet: Logger = { debug() {}, info() {}, warning() {}, error() {}, group: (_name, fn) => fn() };

export interface RegisteredModel {
  version: string;
  /** The MLflow 3 LoggedModel id (m-…). */
  modelId: string;
  /** Where the example's storage-uri-template puts it: s3://<bucket>/<experiment>/models/<id>/artifacts. */
  storageUri: string;
}

/**
 * A model version as the ct workflow leaves it: the example's train.py logs a run and a
 * LoggedModel to the MLflow server, the mlflow package registers it with `aliases`, and its
 * artifact folder is copied to `bucket` under the key MLflow's S3 artifact store would use (the
 * test server keeps artifacts on disk; the cluster reads them from S3 as KServe would).
 */
export async function trainAndRegister(
  mlflow: MlflowServer,
  s3: S3Client,
  bucket: string,
  options: { c: number; aliases: string[] },
): Promise<RegisteredModel> {
  const dir = mkdtempSync(join(tmpdir(), 'registered-model-'));
  const python = venvBin('mlflow', 'python');
  const env = {
    ...process.env,
    PYTHONPATH: MODEL_REPO,
    MLFLOW_TRACKING_URI: mlflow.url,
    MLFLOW_EXPERIMENT_NAME: 'churn',
    MLFLOW_DISABLE_TELEMETRY: 'true',
    DO_NOT_TRACK: 'true',
  };
  try {
    await run(python, [join(MODEL_REPO, 'generate_data.py'), '--rows', '1000', '--seed', '7', '--out', 'data.csv'], {
      cwd: dir,
      env,
    });
    const { stdout } = await run(
      python,
      [join(MODEL_REPO, 'train.py'), '--data', 'data.csv', '--model-dir', 'models', '--c', String(options.c)],
      { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 },
    );
    const { run_id: runId } = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { run_id: string };
    const rest = new MlflowRest({
      trackingUri: new URL(mlflow.url),
      deadline: Deadline.after(120_000, 'the registration'),
    });
    const registry = new Registry(rest);
    const source = await resolveModelSource(rest, await getRun(rest, runId, 'run-id'), 'model', 3);
    const registration = await registerCandidate(
      registry,
      { modelName: 'churn', runId, source, tags: {}, aliases: options.aliases, waitTimeoutMs: 60_000 },
      quiet,
    );
    const modelId = source.modelId!;
    const experiment = await rest.get<{ run: { info: { experiment_id: string } } }>(
      'runs/get',
      { run_id: runId },
      'run',
    );
    const prefix = `${experiment.run.info.experiment_id}/models/${modelId}/artifacts`;
    const folder = join(mlflow.dir, 'artifacts', prefix);
    for (const file of walk(folder)) {
      const key = `${prefix}/${relative(folder, file)}`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file) }));
    }
    return { version: registration.version, modelId, storageUri: `s3://${bucket}/${prefix}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Alias -> version of the registered model, and its versions, read back from MLflow's REST API. */
export async function registry(trackingUri: string, name = 'churn') {
  const get = async (path: string) => {
    const response = await fetch(`${trackingUri}/api/2.0/mlflow/${path}`, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok && response.status !== 404) throw new Error(`MLflow ${path} answered ${response.status}`);
    return response.ok ? ((await response.json()) as Record<string, unknown>) : {};
  };
  const model = (await get(`registered-models/get?name=${name}`)) as {
    registered_model?: { aliases?: { alias: string; version: string }[] };
  };
  const versions = (await get(`model-versions/search?filter=${encodeURIComponent(`name='${name}'`)}`)) as {
    model_versions?: { version: string; source: string }[];
  };
  return {
    aliases: Object.fromEntries((model.registered_model?.aliases ?? []).map((entry) => [entry.alias, entry.version])),
    versions: (versions.model_versions ?? [])
      .map((version) => ({ version: version.version, source: version.source }))
      .sort((a, b) => Number(a.version) - Number(b.version)),
  };
}
