// The example repository's ct.yml (which calls the reusable ct.yml, then cd.yml), run by a real
// Actions runner (act) against one set of stand-ins, in the order a model's life takes them:
// the nightly run on a fresh repository (nothing locked yet: the data is made, the model trained,
// registered, pushed with DVC and deployed to staging); hostile dispatch payloads (rejected before
// any command); new data on dispatch (pulled from the DVC remote, registered, deployed); and a
// candidate worse than the champion (refused: nothing registered, pushed or deployed).
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Deadline } from '../../packages/action-kit/src/http/index.js';
import { MlflowRest, Registry } from '../../packages/mlflow/src/index.js';
import { scaled } from '../helpers/timeouts.js';
import { readInferenceService } from '../pipeline/model-cluster.js';
import { ask, predictions } from './churn-model.js';
import { startExampleRepo, type ExampleRepo } from './example-repo.js';
import { registry } from './registered-model.js';
import type { WorkflowRun } from './run-workflow.js';
import { ARTIFACT_BUCKET, DVC_BUCKET } from './stand-ins.js';

const RUN_TIMEOUT = scaled(900_000);

interface PushedFile {
  path: string;
  md5: string;
  object: string;
}

describe('examples/model-repo ct.yml under act', () => {
  let repo: ExampleRepo;
  let scratch: string;
  const mlflow = () => repo.standIns.mlflow!.url;

  beforeAll(async () => {
    repo = await startExampleRepo();
    scratch = mkdtempSync(join(tmpdir(), 'ct-e2e-'));
  }, scaled(600_000));

  afterAll(async () => {
    await repo?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const outcome = (run: WorkflowRun) => `exit ${run.exitCode}\n${run.describe()}`;

  const object = async (uri: string) => {
    const { bucket, key } = parseS3Uri(uri);
    const response = await repo.standIns.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await response.Body!.transformToByteArray());
  };

  /** The md5 the consumer repository's committed dvc.lock records for `path`. */
  const lockedMd5 = (path: string) => {
    const lock = parseYaml(readFileSync(join(repo.dir, 'dvc.lock'), 'utf8')) as {
      stages: Record<string, { outs?: { path: string; md5: string }[] }>;
    };
    const out = Object.values(lock.stages)
      .flatMap((stage) => stage.outs ?? [])
      .find((entry) => entry.path === path);
    if (!out) throw new Error(`the committed dvc.lock records no ${path}`);
    return out.md5;
  };

  const dvcKeys = async () =>
    ((await repo.standIns.s3.send(new ListObjectsV2Command({ Bucket: DVC_BUCKET }))).Contents ?? [])
      .map((entry) => entry.Key!)
      .sort();

  /** Everything a CT run may change: the registry, the DVC remote, the GitOps branch, what staging serves. */
  const state = async () => ({
    registry: await registry(mlflow()),
    dvc: await dvcKeys(),
    gitops: repo.standIns.gitops.head(),
    staging: repo.standIns.argocd.staging.cluster.served()?.storageUri,
  });

  /**
   * The end state of a CT run that passed the gate: version `version` registered from this run's
   * MLflow model and tagged with the trigger, its data and model in the DVC remote, staging's
   * manifest committed with exactly that model's storage URI, Argo CD synced to the commit, and the
   * endpoint answering what the pushed model answers.
   */
  async function expectTrainedAndDeployed(
    run: WorkflowRun,
    expected: { version: string; trigger: string; dataVersion: string; rows: number },
  ) {
    expect(outcome(run)).toMatch(/^exit 0/);
    const gate = run.step('train', 'gate').outputs;
    expect(gate).toMatchObject({ passed: 'true', version: expected.version });
    expect(gate['model-id']).toMatch(/^m-[0-9a-f]+$/);
    const storageUri = `s3://${ARTIFACT_BUCKET}/1/models/${gate['model-id']}/artifacts`;
    expect(run.step('train', 'storage').outputs.uri).toBe(storageUri);

    // MLflow: this run's model, registered, aliased challenger, tagged with what triggered it.
    const version = await mlflowGet<{ model_version: MlflowVersion }>(
      mlflow(),
      `model-versions/get?name=churn&version=${expected.version}`,
    );
    expect(version.model_version).toMatchObject({
      source: `models:/${gate['model-id']}`,
      run_id: gate['run-id'],
      aliases: ['challenger'],
    });
    expect(tags(version.model_version.tags)).toMatchObject({
      'ct.trigger': expected.trigger,
      'ct.data-version': expected.dataVersion,
    });
    const trained = await mlflowGet<{ run: { data: { tags: KeyValue[]; params: KeyValue[] } } }>(
      mlflow(),
      `runs/get?run_id=${gate['run-id']}`,
    );
    expect(tags(trained.run.data.tags).github_run_id).toBe(run.runId);
    expect(tags(trained.run.data.params).rows).toBe(String(expected.rows));

    // DVC: the model it made, and the data it trained on (pushed now, or before by the data pipeline).
    const dvc = run.step('train', 'dvc').outputs;
    const pushed = JSON.parse(dvc.pushed ?? '[]') as PushedFile[];
    const model = pushed.find((file) => file.path === 'models/model.joblib');
    expect(model).toBeDefined();
    const dataMd5 = pushed.find((file) => file.path === 'data/churn.csv')?.md5 ?? lockedMd5('data/churn.csv');
    const data = (await object(`s3://${DVC_BUCKET}/churn/files/md5/${dataMd5.slice(0, 2)}/${dataMd5.slice(2)}`))
      .toString('utf8')
      .trim()
      .split('\n');
    expect(data.length - 1).toBe(expected.rows);
    const modelFile = join(scratch, `model-${expected.version}.joblib`);
    writeFileSync(modelFile, await object(model!.object));

    // GitOps and Argo CD: staging, and only staging, at exactly this model; synced to that commit.
    const commit = run.step('deploy', 'bump').outputs['commit-sha']!;
    expect(commit).toBe(repo.standIns.gitops.head());
    const manifest = (environment: string, revision: string) =>
      readInferenceService(repo.standIns.gitops.show(revision, `gitops/${environment}/churn.yaml`)!);
    expect(manifest('staging', commit).storageUri).toBe(storageUri);
    expect(manifest('production', commit)).toEqual(manifest('production', `${commit}~1`));
    expect(run.step('deploy', 'wait').outputs.revision).toBe(commit);
    expect(repo.standIns.argocd.staging.cluster.served()).toMatchObject({ storageUri, revision: commit });

    // The caller sees it through the reusable workflow's outputs (not deploy-commit-sha: act never
    // re-evaluates an output read from a job that is itself a workflow call, see run-workflow.ts).
    expect(run.job('outcome').summary).toContain(
      `Version ${expected.version} (run ${gate['run-id']}) passed the gate: \`${storageUri}\`, deployed to staging in`,
    );

    // The endpoint serves that model: the answers of the model DVC holds.
    await expect(ask(repo.standIns.argocd.staging.endpoint)).resolves.toEqual({
      modelVersion: storageUri,
      predictions: await predictions(modelFile),
    });
  }

  it(
    'on schedule, on a repository with nothing locked yet: makes the data, trains, registers version 1, pushes data and model with DVC, deploys it to staging',
    async () => {
      const run = await repo.ct({ event: 'schedule' });
      await expectTrainedAndDeployed(run, { version: '1', trigger: 'schedule', dataVersion: '', rows: 5000 });
      expect(run.step('train', 'dvc').outputs['pushed-count']).toBe('2');
    },
    RUN_TIMEOUT,
  );

  describe('a hostile repository_dispatch payload is rejected before any command runs', () => {
    const canary = () => join(scratch, 'canary');
    it.each([
      ['dataset', 'shell metacharacters', () => `data/churn.csv; touch ${canary()}`],
      ['dataset', 'a path out of the repository', () => '../../../etc/passwd'],
      ['data-version', 'a command substitution', () => `$(touch ${canary()})`],
      ['reason', 'a workflow command on its own line', () => 'ok\n::add-mask::x'],
    ])('%s with %s: nothing trained, registered, pushed or committed', async (field, _what, value) => {
      const before = await state();
      const run = await repo.ct({
        event: 'repository_dispatch',
        payload: { model: 'churn', dataset: 'data/churn.csv', 'data-version': '1.2.0', [field]: value() },
      });
      expect(outcome(run)).not.toMatch(/^exit 0/);
      const train = run.job('train');
      expect(
        train.steps.filter((step) => step.stage === 'Main' && step.outcome !== 'skipped').map((step) => step.id),
      ).toEqual(['payload']);
      expect(run.step('train', 'payload').errors.join('\n')).toContain(`payload field ${field} does not match`);
      expect(run.standInCalls).toEqual([]);
      expect(existsSync(canary())).toBe(false);
      expect(await state()).toEqual(before);
    });
  });

  it(
    'on new-data-arrived with a valid payload: trains on the data the data pipeline pushed, registers version 2 tagged with its data-version, deploys it to staging',
    async () => {
      await repo.newData({ rows: 2000, seed: 11 });
      const run = await repo.ct({
        event: 'repository_dispatch',
        payload: { model: 'churn', dataset: 'data/churn.csv', 'data-version': '1.1.0', reason: 'monthly export' },
      });
      await expectTrainedAndDeployed(run, {
        version: '2',
        trigger: 'repository_dispatch',
        dataVersion: '1.1.0',
        rows: 2000,
      });
      // the data came from the remote (the data pipeline's push); only the model was new
      expect(run.step('train', 'dvc').outputs).toMatchObject({ 'pushed-count': '1', 'already-present-count': '1' });
    },
    RUN_TIMEOUT,
  );

  it(
    'refuses a candidate worse than the champion: nothing registered, pushed or deployed',
    async () => {
      await setAlias(mlflow(), 'champion', '2');
      // the same data, trained with 10 000 times the regularisation: a worse roc_auc
      repo.commitParams({ train: { c: 0.0001 } }, 'params: train c 0.0001');
      const before = await state();
      const run = await repo.ct({ event: 'schedule' });
      // a refusal is a verdict, not a failure
      expect(outcome(run)).toMatch(/^exit 0/);
      const gate = run.step('train', 'gate').outputs;
      expect(gate).toMatchObject({ passed: 'false', version: '', 'champion-version': '2' });
      const { roc_auc: auc } = JSON.parse(gate.metrics!) as Record<string, { candidate: number; baseline: number }>;
      expect(auc!.candidate).toBeLessThan(auc!.baseline);
      expect(run.job('train').steps.find((step) => step.id === 'dvc' && step.stage === 'Main')?.outcome).toBe(
        'skipped',
      );
      expect(run.jobs.filter((job) => job.id === 'deploy').every((job) => job.result !== 'success')).toBe(true);
      expect(await state()).toEqual(before);
      expect((await registry(mlflow())).aliases).toEqual({ champion: '2', challenger: '2' });
      expect(run.job('outcome').summary).toContain(
        `No new version: the candidate (run ${gate['run-id']}) did not pass the gate`,
      );
    },
    RUN_TIMEOUT,
  );
});

type KeyValue = { key: string; value: string };
interface MlflowVersion {
  version: string;
  source: string;
  run_id: string;
  aliases?: string[];
  tags?: KeyValue[];
}

function tags(entries: KeyValue[] = []): Record<string, string> {
  return Object.fromEntries(entries.map((entry) => [entry.key, entry.value]));
}

function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1]!, key: match[2]! };
}

async function mlflowGet<T>(trackingUri: string, path: string): Promise<T> {
  const response = await fetch(`${trackingUri}/api/2.0/mlflow/${path}`, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`MLflow ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Arranges a champion the way promote.yml does: the mlflow package moves the alias. */
async function setAlias(trackingUri: string, alias: string, version: string): Promise<void> {
  const rest = new MlflowRest({ trackingUri: new URL(trackingUri), deadline: Deadline.after(60_000, 'the alias') });
  await new Registry(rest).setAlias('churn', alias, version);
}
