// The GHES variant cd-ghes.yml run end to end by a real Actions runner (act), called as a GHES
// caller calls it (test/workflows/callers/cd-ghes-direct.yml): its self-checkout reads the
// workflow's repository and commit from the job's OIDC token (a token service on loopback that
// answers GitHub's claims for a reusable workflow, job_workflow_ref and job_workflow_sha), checks
// that commit out (act fetches a checkout of another repository: the checkout stand-in copies the
// harness's export of this repository, the tree under test), then deploys with
// ./.mlops-actions/actions/<name>: the bump's commit is synced and the model serves.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scaled } from '../helpers/timeouts.js';
import { ask, trainExampleModel, uploadModel, v2Expected, v2Payload, type TrainedModel } from './churn-model.js';
import { exportConsumer } from './export.js';
import { startHarness, type Harness } from './run-workflow.js';
import { ARTIFACT_BUCKET, EXAMPLE_REPOSITORY, startExampleStandIns, type ExampleStandIns } from './stand-ins.js';

const WORKFLOW_SHA = 'f'.repeat(40);
const WORKFLOW_REF = 'your-org/mlops-actions/.github/workflows/cd-ghes.yml@refs/tags/v1';
const REQUEST_TOKEN = 'ghes-oidc-request-token';

/** GitHub's token service as a job of a reusable workflow sees it: the claims name the called workflow. */
async function startClaimsIssuer(): Promise<{ server: Server; env: Record<string, string>; audiences: string[] }> {
  const audiences: string[] = [];
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${REQUEST_TOKEN}`) return void res.writeHead(401).end();
    audiences.push(new URL(req.url ?? '/', 'http://issuer').searchParams.get('audience') ?? '');
    const claims = {
      repository: EXAMPLE_REPOSITORY,
      job_workflow_ref: WORKFLOW_REF,
      job_workflow_sha: WORKFLOW_SHA,
      workflow_ref: `${EXAMPLE_REPOSITORY}/.github/workflows/cd-ghes-direct.yml@refs/heads/main`,
    };
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ value: `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.signature` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    server,
    audiences,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    },
  };
}

describe('cd-ghes.yml under act', () => {
  let harness: Harness;
  let standIns: ExampleStandIns;
  let model: TrainedModel;
  let issuer: Awaited<ReturnType<typeof startClaimsIssuer>>;
  let consumer: { dir: string };
  let uri: string;

  beforeAll(async () => {
    [harness, standIns, model, issuer] = await Promise.all([
      startHarness(),
      startExampleStandIns(),
      trainExampleModel(1.0),
      startClaimsIssuer(),
    ]);
    consumer = exportConsumer('examples/model-repo', ['cd-ghes-direct.yml']);
    uri = await uploadModel(standIns.s3, ARTIFACT_BUCKET, 'churn/ghes/model.joblib', model);
  }, scaled(300_000));

  afterAll(async () => {
    await Promise.all([
      harness?.stop(),
      standIns?.stop(),
      new Promise<void>((resolve) => (issuer ? issuer.server.close(() => resolve()) : resolve())),
    ]);
  });

  it(
    'checks itself out at the commit the OIDC claims name and deploys with those actions',
    async () => {
      const run = await harness.runWorkflow({
        workdir: consumer.dir,
        workflow: '.github/workflows/cd-ghes-direct.yml',
        event: 'workflow_dispatch',
        inputs: { 'storage-uri': uri, payload: JSON.stringify(v2Payload()), expected: v2Expected(model.predictions) },
        vars: standIns.vars('staging'),
        secrets: standIns.secrets,
        githubApiUrl: standIns.github.apiUrl,
        repository: EXAMPLE_REPOSITORY,
        standIns: ['checkout'],
        env: issuer.env,
        timeoutMs: scaled(300_000),
      });
      expect(`exit ${run.exitCode}\n${run.describe()}`).toMatch(/^exit 0/);
      expect(run.step('deploy', 'mlops-actions-source').outputs).toMatchObject({
        repository: 'your-org/mlops-actions',
        sha: WORKFLOW_SHA,
      });
      expect(issuer.audiences).toEqual(['mlops-actions']);
      const commit = run.step('deploy', 'bump').outputs['commit-sha'];
      expect(commit).toBe(standIns.gitops.head());
      expect(run.step('deploy', 'wait').outputs.revision).toBe(commit);
      await expect(ask(standIns.argocd.staging.endpoint)).resolves.toEqual({
        modelVersion: uri,
        predictions: model.predictions,
      });
    },
    scaled(400_000),
  );
});
