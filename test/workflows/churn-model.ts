import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, venvBin } from '../helpers/paths.js';

const run = promisify(execFile);
const MODEL_REPO = join(repoRoot, 'examples', 'model-repo');
const QUIET = { MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true', PYTHONUNBUFFERED: '1' };

/** Customers the health checks send: a likely churner, a loyal one and one in between. */
export const SAMPLE_ROWS = {
  tenure_months: [2, 60, 14],
  monthly_charges: [150.0, 30.0, 85.5],
  support_calls: [6, 0, 2],
  contract: ['month-to-month', 'two-year', 'one-year'],
};

/** The V2 request of the sample rows: one named column per feature, read as a DataFrame. */
export function v2Payload() {
  const column = (name: keyof typeof SAMPLE_ROWS, datatype: string) => ({
    name,
    shape: [SAMPLE_ROWS[name].length],
    datatype,
    data: SAMPLE_ROWS[name],
  });
  return {
    parameters: { content_type: 'pd' },
    inputs: [
      column('tenure_months', 'INT64'),
      column('monthly_charges', 'FP64'),
      column('support_calls', 'INT64'),
      column('contract', 'BYTES'),
    ],
  };
}

/** The kserve-health-check `expected` for predictions of the sample rows. */
export function v2Expected(predictions: number[]): string {
  return JSON.stringify([{ name: 'predict', data: predictions }]);
}

export interface TrainedModel {
  /** model.joblib as the example's train.py wrote it. */
  bytes: Buffer;
  /** What it answers for SAMPLE_ROWS. */
  predictions: number[];
}

/**
 * Trains the example's churn model outside any workflow (generate_data.py, then train.py with
 * regularisation `c`, logging to a throwaway SQLite MLflow store): the models the cd tests deploy.
 */
export async function trainExampleModel(c: number, rows = 1000): Promise<TrainedModel> {
  const dir = mkdtempSync(join(tmpdir(), 'churn-model-'));
  const python = venvBin('mlflow', 'python');
  const env = {
    ...process.env,
    ...QUIET,
    PYTHONPATH: MODEL_REPO,
    MLFLOW_TRACKING_URI: `sqlite:///${join(dir, 'mlflow.db')}`,
  };
  try {
    const script = (name: string) => join(MODEL_REPO, name);
    await run(python, [script('generate_data.py'), '--rows', String(rows), '--seed', '7', '--out', 'data/churn.csv'], {
      cwd: dir,
      env,
    });
    await run(python, [script('train.py'), '--data', 'data/churn.csv', '--model-dir', 'models', '--c', String(c)], {
      cwd: dir,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    const file = join(dir, 'models', 'model.joblib');
    return { bytes: readFileSync(file), predictions: await predictions(file) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a model file answers for SAMPLE_ROWS, computed offline (test/pipeline/predict.py). */
export async function predictions(modelFile: string): Promise<number[]> {
  const pending = run(venvBin('mlflow', 'python'), [join(repoRoot, 'test', 'pipeline', 'predict.py')], {
    env: { ...process.env, ...QUIET },
  });
  pending.child.stdin!.end(JSON.stringify({ model: modelFile, rows: SAMPLE_ROWS }));
  return JSON.parse((await pending).stdout.trim()) as number[];
}

/** Puts a model where KServe's storage initializer (the local cluster) fetches it; returns its storageUri. */
export async function uploadModel(s3: S3Client, bucket: string, key: string, model: TrainedModel): Promise<string> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: model.bytes }));
  return `s3://${bucket}/${key}`;
}

/** Asks a model endpoint (V2) for the sample rows; returns the model version and predictions it answered. */
export async function ask(endpoint: string): Promise<{ modelVersion: string; predictions: number[] }> {
  const response = await fetch(`${endpoint}/v2/models/churn/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(v2Payload()),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`the model endpoint answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { model_version?: string; outputs?: { data: number[] }[] };
  return { modelVersion: body.model_version ?? '', predictions: body.outputs?.[0]?.data ?? [] };
}
