import { MlflowError, isKind } from './errors.js';
import type { MlflowRest } from './rest.js';
import type { WireRun } from './wire.js';

export type CandidateSelector =
  | { runId: string }
  | {
      experimentName: string;
      /** An MLflow search filter, e.g. tags.mlflow.source.git.commit = 'abc'. */
      filter?: string;
      /** Default attributes.start_time DESC. */
      orderBy?: string;
    };

export const DEFAULT_ORDER_BY = 'attributes.start_time DESC';

/**
 * The candidate run: the given run, or the first FINISHED run of the experiment matching the
 * filter in the given order. Always one search page of one run, whatever the experiment's size.
 */
export async function resolveCandidateRun(rest: MlflowRest, selector: CandidateSelector): Promise<WireRun> {
  if ('runId' in selector) {
    const run = await getRun(rest, selector.runId, 'run-id');
    assertUsable(run);
    return run;
  }
  const experimentId = await experimentIdByName(rest, selector.experimentName);
  const filter = [selector.filter?.trim(), "attributes.status = 'FINISHED'"].filter(Boolean).join(' AND ');
  const operation = `search the runs of experiment '${selector.experimentName}'`;
  const { runs } = await rest.post<{ runs?: WireRun[] }>(
    'runs/search',
    {
      experiment_ids: [experimentId],
      filter,
      order_by: [selector.orderBy ?? DEFAULT_ORDER_BY],
      run_view_type: 'ACTIVE_ONLY',
      max_results: 1,
    },
    operation,
    { idempotent: true },
  );
  const run = runs?.[0];
  if (!run) {
    throw new MlflowError(
      { kind: 'not-found', operation },
      `No FINISHED run in experiment '${selector.experimentName}' matches the filter ${JSON.stringify(filter)}. ` +
        'Check run-filter (e.g. the git commit tag the training run sets) and that the training run ended successfully.',
    );
  }
  return run;
}

/** A run by id; `input` names where the id came from, for the error. */
export async function getRun(rest: MlflowRest, runId: string, input: string): Promise<WireRun> {
  try {
    const { run } = await rest.get<{ run: WireRun }>('runs/get', { run_id: runId }, `get the run ${runId}`);
    return run;
  } catch (error) {
    if (isKind(error, 'not-found')) {
      throw new MlflowError(
        { ...error, kind: 'not-found' },
        `The run ${runId} (from ${input}) does not exist on ${rest.trackingUri}: ${error.serverMessage ?? 'not found'}. ` +
          'Check the run id and that tracking-uri is the server the training logged to.',
      );
    }
    throw error;
  }
}

async function experimentIdByName(rest: MlflowRest, name: string): Promise<string> {
  try {
    const { experiment } = await rest.get<{ experiment: { experiment_id: string; lifecycle_stage?: string } }>(
      'experiments/get-by-name',
      { experiment_name: name },
      `find the experiment '${name}'`,
    );
    if (experiment.lifecycle_stage === 'deleted') {
      throw new MlflowError(
        { kind: 'not-found', operation: `find the experiment '${name}'` },
        `The experiment '${name}' is deleted on ${rest.trackingUri}: restore it or give the name of a live experiment.`,
      );
    }
    return experiment.experiment_id;
  } catch (error) {
    if (isKind(error, 'not-found') && error.status !== undefined) {
      throw new MlflowError(
        { ...error, kind: 'not-found' },
        `The experiment '${name}' (experiment-name) does not exist on ${rest.trackingUri}. ` +
          'Check the name (on Databricks it is a workspace path such as /Users/me/exp).',
      );
    }
    throw error;
  }
}

function assertUsable(run: WireRun): void {
  const id = run.info.run_id;
  if (run.info.lifecycle_stage === 'deleted') {
    throw new MlflowError(
      { kind: 'invalid', operation: `check the run ${id}` },
      `The run ${id} is deleted: restore it or gate another run.`,
    );
  }
  if (run.info.status !== 'FINISHED') {
    throw new MlflowError(
      { kind: 'invalid', operation: `check the run ${id}` },
      `The run ${id} has status ${run.info.status ?? 'unknown'}, not FINISHED: only a run that ended successfully is gated. ` +
        'Wait for the training run to end, or give the id of a finished run.',
    );
  }
}
