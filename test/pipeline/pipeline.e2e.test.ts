// The local CT -> CD pipeline end to end, as scripts/pipeline.sh runs it (smaller dataset, fewer
// timed requests): real MLflow, moto S3, DVC, a bare GitOps repository, the Argo CD simulator's
// controller over them, and KServe's model server serving whatever Argo CD synced.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from './gitops-repo.js';
import { v2Payload } from '../workflows/churn-model.js';
import { runPipeline, type PipelineResult } from './pipeline.js';
import { APP_PATH, BUCKET, MANIFEST_FILE, MODEL, startStandIns, type StandIns } from './stand-ins.js';
import { scaled } from '../helpers/timeouts.js';

describe('local pipeline: baseline deployed, worse model refused, better model replaces it', () => {
  let standIns: StandIns | undefined;
  let result: PipelineResult;
  const summaries = mkdtempSync(join(tmpdir(), 'pipeline-summaries-'));

  beforeAll(async () => {
    standIns = await startStandIns();
    result = await runPipeline({ standIns, summaries, rows: 2000, requests: 20 });
  }, scaled(300_000));

  afterAll(async () => {
    await standIns?.stop();
    rmSync(summaries, { recursive: true, force: true });
  });

  it('registers version 1, refuses round two against champion 1, registers version 2', () => {
    const [baseline, worse, better] = result.rounds;
    expect(baseline).toMatchObject({ passed: true, version: '1', championBefore: undefined });
    expect(worse).toMatchObject({ passed: false, championBefore: '1' });
    expect(worse!.version).toBeUndefined();
    expect(worse!.metrics.roc_auc).toBeLessThan(baseline!.metrics.roc_auc!);
    expect(better).toMatchObject({ passed: true, version: '2', championBefore: '1' });
    expect(result.aliases).toEqual({ champion: '2', challenger: '2' });
  });

  it('runs no deployment step in the refused round', () => {
    const steps = result.steps.filter((step) => step.round === '2-worse');
    expect(steps.map((step) => [step.step, step.outcome])).toEqual([
      ['train', 'passed'],
      ['gate and register', 'blocked'],
    ]);
  });

  it('deployed two commits, the last one pointing at the better model', () => {
    const [baseline, , better] = result.rounds;
    const repo = standIns!.gitops;
    expect(git(repo.bare, 'rev-list', '--count', repo.branch)).toBe('3');
    expect(repo.head()).toBe(better!.commit);
    expect(git(repo.bare, 'rev-parse', `${repo.branch}~1`)).toBe(baseline!.commit);
    expect(repo.show(repo.head(), `${APP_PATH}/${MANIFEST_FILE}`)).toContain(`storageUri: ${better!.storageUri}`);
    expect(result.deployed).toEqual({ commit: better!.commit, storageUri: better!.storageUri });
    expect(baseline!.storageUri).not.toBe(better!.storageUri);
  });

  it('pushed exactly the two deployed models to the bucket', async () => {
    const listed = await standIns!.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'churn/' }));
    const objects = (listed.Contents ?? []).map((object) => `s3://${BUCKET}/${object.Key}`).sort();
    expect(objects).toEqual([result.rounds[0]!.storageUri, result.rounds[2]!.storageUri].sort());
  });

  it('Argo CD reports the last commit Synced and Healthy', () => {
    const app = standIns!.argocd.controller.get(MODEL.name)!;
    expect(app.syncStatus).toBe('Synced');
    expect(app.health.status).toBe('Healthy');
    expect(app.revisions).toEqual([result.rounds[2]!.commit]);
    expect(app.operationState).toMatchObject({
      phase: 'Succeeded',
      syncResult: { revision: result.rounds[2]!.commit },
    });
  });

  it('the endpoint serves the model at the deployed storage URI and answers like it', async () => {
    const better = result.rounds[2]!;
    expect(better.served).toEqual({ modelVersion: better.storageUri, predictions: better.expected });
    const response = await fetch(`${standIns!.argocd.endpoint}/v2/models/${MODEL.name}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(v2Payload()),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { model_version: string; outputs: { name: string; data: number[] }[] };
    expect(body.model_version).toBe(better.storageUri);
    expect(body.outputs[0]).toMatchObject({ name: 'predict', data: better.expected });
    expect(result.rounds[0]!.served?.modelVersion).toBe(result.rounds[0]!.storageUri);
  });

  it("kept every action step's job summary in one folder", () => {
    const actionSteps = result.steps.filter((step) => step.summary);
    expect(actionSteps).toHaveLength(13);
    expect(readdirSync(summaries).sort()).toEqual(actionSteps.map((step) => step.summary).sort());
    const gate = actionSteps.find((step) => step.round === '2-worse')!;
    expect(readFileSync(join(summaries, gate.summary!), 'utf8')).toContain('roc_auc');
  });
});
