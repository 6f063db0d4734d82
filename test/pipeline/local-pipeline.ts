import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startExampleRepo, type ExampleRepo } from '../workflows/example-repo.js';
import { EXAMPLE_REPO } from '../workflows/stand-ins.js';
import type { ArgoCdEnvironment, ArgoCdTier } from '../workflows/real-argocd.js';
import { readEndState, type EndState } from './end-state.js';
import { runPipeline, type PipelineResult, type PlannedRun } from './pipeline.js';

/** Rows of the data the dispatch round brings, unless told otherwise. */
export const NEW_DATA_ROWS = 10_000;

/** Rows of the data the example repository holds before any new data (its params.yaml). */
export function repositoryRows(): number {
  const params = parse(readFileSync(join(EXAMPLE_REPO, 'params.yaml'), 'utf8')) as { data?: { rows?: number } };
  return params.data?.rows ?? 0;
}

export interface LocalPipeline {
  /** How long the stand-ins and the runner harness took to start. */
  startMs: number;
  run(options: { rows: number; summaries: string; print?: (line: string) => void; signal?: AbortSignal }): Promise<{
    result: PipelineResult;
    /** Undefined when the peers could not be read back (the report says the runs' outcome regardless). */
    end?: EndState;
  }>;
  stop(): Promise<void>;
}

/**
 * The example repository with everything its workflows talk to (test/workflows/example-repo.ts,
 * the same setup as the workflow tests), deploying through the chosen Argo CD.
 */
export async function startLocalPipeline(options: { argocd: ArgoCdTier }): Promise<LocalPipeline> {
  const started = Date.now();
  const repo = await startExampleRepo({ argocd: options.argocd });
  return {
    startMs: Date.now() - started,
    async run({ rows, summaries, print, signal }) {
      const result = await runPipeline(rounds(repo, rows), { summaries, print, signal });
      const end = await readEndState(repo.standIns.mlflow!.url, repo.standIns.argocd).catch((error: Error) => {
        print?.(`could not read the end state back: ${error.message}`);
        return undefined;
      });
      return { result, end };
    },
    stop: () => repo.stop(),
  };
}

/**
 * The three rounds: the nightly CT on the data the repository holds (params.yaml: the first model,
 * registered as challenger and deployed to staging); new data arriving, as a data pipeline
 * delivers it (`rows` rows committed through DVC) and announces it with repository_dispatch
 * new-data-arrived: a model trained on it through the same gate to staging; and the promotion of
 * that challenger to champion in production.
 */
export function rounds(repo: ExampleRepo<ArgoCdEnvironment>, rows: number): PlannedRun[] {
  return [
    {
      label: '1-nightly',
      workflow: 'ct.yml',
      event: 'schedule',
      purpose: 'train on the data the repository holds, gate, register, deploy to staging',
      start: () => repo.ct({ event: 'schedule' }),
    },
    {
      label: '2-new-data',
      workflow: 'ct.yml',
      event: 'repository_dispatch',
      purpose: `new data (${rows} rows) arrived: train on it, gate, register, deploy to staging`,
      prepare: async () =>
        `new data: ${rows} rows generated, pushed to the DVC remote, dvc.lock committed at ${(await repo.newData({ rows })).slice(0, 12)}`,
      start: () =>
        repo.ct({
          event: 'repository_dispatch',
          payload: { model: 'churn', dataset: 'data/churn.csv', 'data-version': '1.1.0', reason: 'monthly export' },
        }),
    },
    {
      label: '3-promote',
      workflow: 'promote.yml',
      event: 'workflow_dispatch',
      purpose: 'challenger to champion, deployed to production',
      start: () => repo.promote(),
    },
  ];
}
