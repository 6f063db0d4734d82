import { MlflowError, isKind } from './errors.js';
import { collectPages, type MlflowRest } from './rest.js';
import type { WireLoggedModel, WireRun } from './wire.js';

/** What model-versions/create is given as the version's source. */
export interface ModelSource {
  /** models:/<model_id> for an MLflow 3 LoggedModel; the run's artifact URI for a model stored in the run. */
  source: string;
  modelId?: string;
  kind: 'logged-model' | 'run-artifact';
}

/**
 * Where the model named `name` that the run logged lives. On MLflow 3 it is a LoggedModel
 * (registered as models:/<id> with model_id: a runs:/ source would point into the run's empty
 * artifact tree and give a version that does not load). On MLflow 2, or for a model a 2.x client
 * logged into the run, it is the run's artifact directory.
 */
export async function resolveModelSource(
  rest: MlflowRest,
  run: WireRun,
  name: string,
  serverMajor: number,
): Promise<ModelSource> {
  if (serverMajor >= 3) {
    const logged = (await fromRunOutputs(rest, run, name)) ?? (await fromLoggedModelSearch(rest, run, name));
    if (logged) return readyLoggedModel(logged, run, name);
  }
  const inRun = await fromRunArtifacts(rest, run, name);
  if (inRun) return inRun;
  throw new MlflowError(
    { kind: 'not-found', operation: `find the model '${name}' of the run ${run.info.run_id}` },
    `The run ${run.info.run_id} has no logged model named '${name}'` +
      (serverMajor >= 3 ? ' (no LoggedModel of that name, and no MLmodel under that artifact path)' : '') +
      '. Set logged-model-name to the name the training script passed to log_model(name=…).',
  );
}

/** run.outputs.model_outputs, highest step first: usually a single logged-models/get. */
async function fromRunOutputs(rest: MlflowRest, run: WireRun, name: string): Promise<WireLoggedModel | undefined> {
  const outputs = [...(run.outputs?.model_outputs ?? [])].sort((a, b) => (b.step ?? 0) - (a.step ?? 0));
  for (const output of outputs) {
    const { model } = await rest.get<{ model: WireLoggedModel }>(
      `logged-models/${encodeURIComponent(output.model_id)}`,
      {},
      `get the logged model ${output.model_id}`,
    );
    if (model.info.name === name) return model;
  }
  return undefined;
}

/** Fallback when the run's outputs do not list the model: newest of that name with the run as its source. */
async function fromLoggedModelSearch(
  rest: MlflowRest,
  run: WireRun,
  name: string,
): Promise<WireLoggedModel | undefined> {
  const models = await collectPages(async (pageToken) => {
    const page = await rest.post<{ models?: WireLoggedModel[]; next_page_token?: string }>(
      'logged-models/search',
      {
        experiment_ids: [run.info.experiment_id],
        filter: `source_run_id = '${run.info.run_id}' AND name = '${name}'`,
        order_by: [{ field_name: 'creation_timestamp', ascending: false }],
        max_results: 50,
        page_token: pageToken,
      },
      `search the logged models of the run ${run.info.run_id}`,
      { idempotent: true },
    );
    return { items: page.models ?? [], nextPageToken: page.next_page_token };
  });
  return models.find((model) => model.info.status === 'LOGGED_MODEL_READY') ?? models[0];
}

function readyLoggedModel(model: WireLoggedModel, run: WireRun, name: string): ModelSource {
  const { model_id: modelId, status, status_message: message } = model.info;
  if (status !== 'LOGGED_MODEL_READY') {
    throw new MlflowError(
      { kind: 'invalid', operation: `check the logged model ${modelId}` },
      `The model '${name}' of the run ${run.info.run_id} (${modelId}) has status ${status ?? 'unknown'}` +
        `${message ? ` (${message})` : ''}, not LOGGED_MODEL_READY: its upload did not finish. Re-run the training.`,
    );
  }
  return { source: `models:/${modelId}`, modelId, kind: 'logged-model' };
}

async function fromRunArtifacts(rest: MlflowRest, run: WireRun, name: string): Promise<ModelSource | undefined> {
  let files: { path: string; is_dir?: boolean }[];
  try {
    ({ files = [] } = await rest.get<{ files?: { path: string; is_dir?: boolean }[] }>(
      'artifacts/list',
      { run_id: run.info.run_id, path: name },
      `list the artifacts of the run ${run.info.run_id} under '${name}'`,
    ));
  } catch (error) {
    if (isKind(error, 'not-found')) return undefined;
    throw error;
  }
  const hasMlmodel = files.some((file) => !file.is_dir && file.path.split('/').pop() === 'MLmodel');
  if (!hasMlmodel || !run.info.artifact_uri) return undefined;
  return { source: `${run.info.artifact_uri.replace(/\/+$/, '')}/${name}`, kind: 'run-artifact' };
}
